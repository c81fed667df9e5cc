import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { initialSnapshot, replay } from '../../../shared/apply-event.ts';
import { DprocError, ERROR_CODES } from '../../../shared/errors.ts';
import type { JournaledEvent, RunEvent } from '../../../shared/events.ts';
import type { RunSnapshot } from '../../../shared/snapshot.ts';
import type { RunState } from '../../../shared/states.ts';
import { resolveDataDir, type DataDirOptions } from './data-dir.ts';
import { currentOwner, isOwnerAlive } from './liveness.ts';
import { migrate } from './schema.ts';
import {
  prepareStatements,
  SQL,
  type EventRow,
  type HeadRow,
  type RunRow,
  type Statements,
} from './statements.ts';
import { translateStoreError, unwritableStore } from './store-errors.ts';
import type {
  LogLine,
  LogQuery,
  OutputRecord,
  OwnerLivenessCheck,
  RunOwner,
  RunStoreOptions,
  RunSummary,
  RunSummaryUpdate,
} from './types.ts';

/** The database file inside the data directory. */
export const DB_FILE_NAME = 'dproc.db';

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** Run states in which some process should be driving the run; without one it is INTERRUPTED. */
const LIVE_STATES: ReadonlySet<RunState> = new Set(['RUNNING', 'NEEDS_ATTENTION']);

type RunCreated = Extract<RunEvent, { type: 'run.created' }>;

/**
 * The durable journal of runs: events, task outputs and a cached summary row per run, in one SQLite
 * file (WAL). State is never stored as such: snapshots are rebuilt with shared `replay`.
 * Synchronous on purpose: node:sqlite is, and each call is short.
 */
export class RunStore {
  /** Absolute path of the database file, named in every error. */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #stmts: Statements;
  readonly #busyTimeoutMs: number;
  readonly #isOwnerAlive: OwnerLivenessCheck;
  readonly #me: RunOwner = currentOwner();

  private constructor(db: DatabaseSync, path: string, busyTimeoutMs: number, isAlive: OwnerLivenessCheck) {
    this.#db = db;
    this.path = path;
    this.#busyTimeoutMs = busyTimeoutMs;
    this.#isOwnerAlive = isAlive;
    this.#stmts = prepareStatements(db);
  }

  /** The data directory: `dataDir`, else DPROC_DATA_DIR, else $XDG_DATA_HOME/dproc, else ~/.local/share/dproc. */
  static resolveDataDir(opts?: DataDirOptions): string {
    return resolveDataDir(opts);
  }

  /** Opens (creating and migrating as needed) `<dataDir>/dproc.db`; throws DPROC_E_STORE_* naming the path. */
  static open(dataDir: string, options: RunStoreOptions = {}): RunStore {
    const dir = resolve(dataDir);
    const path = join(dir, DB_FILE_NAME);
    const timeout = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    try {
      makeDirs(dir);
    } catch (err) {
      throw translateStoreError(err, dir, timeout);
    }
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path);
      // First, so that every later step (the WAL switch included) waits for other connections.
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(timeout))}`);
      // Reading the header here is also what exposes a file that is not SQLite.
      const mode = (db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string }).journal_mode;
      if (mode !== 'wal') throw unwritableStore(path, `cannot switch the journal to WAL (mode is ${mode})`);
      // WAL + NORMAL survives an application crash; only power loss can drop the last commits.
      db.exec('PRAGMA synchronous = NORMAL');
      migrate(db, path);
      return new RunStore(db, path, timeout, options.isOwnerAlive ?? isOwnerAlive);
    } catch (err) {
      try {
        db?.close();
      } catch {
        // Already failing: the original error is the one worth reporting.
      }
      throw translateStoreError(err, path, timeout);
    }
  }

  /** Starts a run's journal with its run.created event (seq 1) and its summary row. */
  createRun(event: RunCreated): JournaledEvent {
    if (event.type !== 'run.created') throw new Error(`createRun needs a run.created event, got ${String(event.type)}`);
    const first = initialSnapshot(event);
    return this.#write(() => {
      if (this.#stmts.hasRun.get(event.runId)) throw new Error(`run "${event.runId}" already exists in ${this.path}`);
      const { lastInsertRowid: key } = this.#stmts.insertRun.run(
        event.runId, first.jobName, first.jobFile, first.state, JSON.stringify(first.counts),
        event.plan.tasks.length, event.at, event.at, 1,
      );
      this.#stmts.insertEvent.run(key, 1, event.type, null, null, JSON.stringify(event));
      return { ...event, seq: 1 };
    });
  }

  /**
   * Journals events (next seq numbers, gap-free), stores outputs and updates the cached summary, all in
   * one transaction: after a crash or an error either all of it is there or none of it. Refused with
   * DPROC_E_RUN_ACTIVE while another live process owns the run.
   */
  append(runId: string, events: readonly RunEvent[], outputs: readonly OutputRecord[] = [], summary?: RunSummaryUpdate): JournaledEvent[] {
    if (events.length === 0 && outputs.length === 0 && !summary) return [];
    for (const e of events) {
      if (e.type === 'run.created') throw new Error('append: run.created starts a run; use createRun');
    }
    const { insertEvent, upsertOutput, deleteOutput, selectHead, summarizeRun, touchRun } = this.#stmts;
    return this.#write(() => {
      // Read inside the write lock: the counter cannot move under us, and a rollback leaves no gap.
      const head = selectHead.get(runId) as HeadRow | undefined;
      if (!head) throw this.#runNotFound(runId);
      this.#assertMayWrite(runId, head);
      const key = head.key;
      let seq = head.last_seq;
      const journaled: JournaledEvent[] = new Array(events.length);
      // A task reset (to run again) has no output until it completes again: its old one is dropped, so
      // nobody reads it as current. Tracked per task to the batch's end, as a reset may follow a success.
      let resetLast: Set<string> | undefined;
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        seq += 1;
        insertEvent.run(key, seq, e.type, 'taskId' in e ? e.taskId : null, e.type === 'task.log' ? e.attempt : null, JSON.stringify(e));
        journaled[i] = { ...e, seq };
        if (e.type === 'task.reset') (resetLast ??= new Set()).add(e.taskId);
        else if (e.type === 'attempt.succeeded') resetLast?.delete(e.taskId);
      }
      for (const o of outputs) upsertOutput.run(key, o.taskId, o.attemptId, seq, o.bytes);
      for (const taskId of resetLast ?? []) deleteOutput.run(key, taskId);
      if (summary) {
        summarizeRun.run(seq, Date.now(), summary.state, JSON.stringify(summary.counts), summary.finishedAt ?? null, key);
      } else {
        touchRun.run(seq, Date.now(), key);
      }
      return journaled;
    });
  }

  /** The run's events after `afterSeq`, in seq order. Throws DPROC_E_RUN_NOT_FOUND for an unknown run. */
  readEvents(runId: string, afterSeq = 0): JournaledEvent[] {
    return this.#guard(() => {
      const rows = this.#stmts.selectEvents.all(runId, afterSeq) as unknown as EventRow[];
      if (rows.length === 0 && !this.hasRun(runId)) throw this.#runNotFound(runId);
      return rows.map(toEvent);
    });
  }

  /** Like readEvents, one event at a time from one consistent read, for journals too big for an array. */
  *iterateEvents(runId: string, afterSeq = 0): Generator<JournaledEvent, void, undefined> {
    if (!this.hasRun(runId)) throw this.#runNotFound(runId);
    // A statement of its own: two iterations at once must not reset each other's cursor.
    const stmt = this.#guard(() => this.#db.prepare(SQL.selectEvents));
    try {
      for (const row of stmt.iterate(runId, afterSeq)) yield toEvent(row as unknown as EventRow);
    } catch (err) {
      throw translateStoreError(err, this.path, this.#busyTimeoutMs);
    }
  }

  /** The run rebuilt with shared `replay`; INTERRUPTED (derived, not stored) when live with no live owner. */
  loadSnapshot(runId: string): RunSnapshot {
    const row = this.#guard(() => this.#stmts.selectRun.get(runId) as RunRow | undefined);
    if (!row) throw this.#runNotFound(runId);
    const snapshot = replay(this.iterateEvents(runId));
    const state = this.#derivedState(snapshot.state, row);
    if (state !== snapshot.state) snapshot.state = state;
    return snapshot;
  }

  /** The task's current output, as the executor serialised it. */
  getOutput(runId: string, taskId: string): Uint8Array | undefined {
    return this.#guard(() => (this.#stmts.selectOutput.get(runId, taskId) as { bytes: Uint8Array } | undefined)?.bytes);
  }

  /** Current outputs of the given tasks (tasks without one are absent from the map). */
  getOutputs(runId: string, taskIds: readonly string[]): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    if (taskIds.length === 0) return out;
    const rows = this.#guard(() => this.#stmts.selectOutputs.all(runId, JSON.stringify(taskIds))) as unknown as {
      task_id: string;
      bytes: Uint8Array;
    }[];
    for (const r of rows) out.set(r.task_id, r.bytes);
    return out;
  }

  /** A task's log lines (its task.log events) in seq order, optionally of one attempt, after a seq, limited. */
  getLogs(runId: string, taskId: string, opts: LogQuery = {}): LogLine[] {
    const afterSeq = opts.afterSeq ?? 0;
    const limit = opts.limit ?? -1; // SQLite: a negative LIMIT means none
    const rows = this.#guard(() =>
      opts.attempt === undefined
        ? this.#stmts.selectLogs.all(runId, taskId, afterSeq, limit)
        : this.#stmts.selectLogsOfAttempt.all(runId, taskId, afterSeq, opts.attempt, limit),
    ) as unknown as { seq: number; attempt: number; body: string }[];
    return rows.map((r) => {
      const e = JSON.parse(r.body) as Extract<RunEvent, { type: 'task.log' }>;
      return { seq: r.seq, at: e.at, attempt: r.attempt, stream: e.stream, text: e.text };
    });
  }

  /** Runs newest first, from their cached rows (no replay), with INTERRUPTED derived. */
  listRuns(opts: { limit?: number } = {}): RunSummary[] {
    const rows = this.#guard(() => this.#stmts.listRuns.all(opts.limit ?? -1)) as unknown as RunRow[];
    return rows.map((r) => this.#toSummary(r));
  }

  /** One run's summary; throws DPROC_E_RUN_NOT_FOUND naming the id. */
  getRunSummary(runId: string): RunSummary {
    const row = this.#guard(() => this.#stmts.selectRun.get(runId) as RunRow | undefined);
    if (!row) throw this.#runNotFound(runId);
    return this.#toSummary(row);
  }

  /** Whether the store has a run with this id. */
  hasRun(runId: string): boolean {
    return this.#guard(() => this.#stmts.hasRun.get(runId) !== undefined);
  }

  /**
   * Makes `owner` the run's driver. Allowed when the run has no owner, its owner is dead, or it is the
   * same process; otherwise throws DPROC_E_RUN_ACTIVE naming the owner's pid.
   */
  claimRun(runId: string, owner: RunOwner): void {
    this.#write(() => {
      const head = this.#stmts.selectHead.get(runId) as HeadRow | undefined;
      if (!head) throw this.#runNotFound(runId);
      const current = ownerOf(head);
      if (current && !sameOwner(current, owner) && this.#isOwnerAlive(current)) throw this.#runActive(runId, current);
      this.#stmts.setOwner.run(owner.pid, owner.host, owner.started ?? null, head.key);
    });
  }

  /**
   * Gives up ownership, so the run reads as stopped (INTERRUPTED while live) and anyone may claim it.
   * Only the owner itself (default: this process) releases; returns whether it did.
   */
  releaseRun(runId: string, owner: RunOwner = this.#me): boolean {
    return this.#write(() => {
      const head = this.#stmts.selectHead.get(runId) as HeadRow | undefined;
      const current = head && ownerOf(head);
      if (!head || !current || !sameOwner(current, owner)) return false;
      this.#stmts.setOwner.run(null, null, null, head.key);
      return true;
    });
  }

  /** Closes the database; later calls throw. Safe to call twice. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Runs `fn` in a write transaction; BEGIN IMMEDIATE takes the lock up front, so it waits, not deadlocks. */
  #write<T>(fn: () => T): T {
    return this.#guard(() => {
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = fn();
        this.#db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  #guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw translateStoreError(err, this.path, this.#busyTimeoutMs);
    }
  }

  /** Another live process drives the run: refuse, exactly as claimRun would. */
  #assertMayWrite(runId: string, head: HeadRow): void {
    const owner = ownerOf(head);
    if (!owner || sameOwner(owner, this.#me)) return;
    if (this.#isOwnerAlive(owner)) throw this.#runActive(runId, owner);
  }

  #derivedState(state: RunState, row: Pick<RunRow, 'owner_pid' | 'owner_host' | 'owner_started'>): RunState {
    if (!LIVE_STATES.has(state)) return state;
    const owner = ownerOf(row);
    return owner && this.#isOwnerAlive(owner) ? state : 'INTERRUPTED';
  }

  #toSummary(r: RunRow): RunSummary {
    const owner = ownerOf(r);
    return {
      runId: r.run_id,
      jobName: r.job_name,
      jobFile: r.job_file,
      state: this.#derivedState(r.state as RunState, r),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
      counts: JSON.parse(r.counts) as RunSummary['counts'],
      taskCount: r.task_count,
      lastSeq: r.last_seq,
      ...(owner ? { owner } : {}),
    };
  }

  #runNotFound(runId: string): DprocError {
    return new DprocError(ERROR_CODES.RUN_NOT_FOUND, `No run "${runId}" in ${this.path}`, { file: this.path });
  }

  #runActive(runId: string, owner: RunOwner): DprocError {
    return new DprocError(
      ERROR_CODES.RUN_ACTIVE,
      `Run "${runId}" is being driven by another process (pid ${owner.pid} on ${owner.host})`,
      { file: this.path },
    );
  }
}

function ownerOf(row: Pick<RunRow, 'owner_pid' | 'owner_host' | 'owner_started'>): RunOwner | undefined {
  if (row.owner_pid === null || row.owner_host === null) return undefined;
  return { pid: row.owner_pid, host: row.owner_host, ...(row.owner_started !== null ? { started: row.owner_started } : {}) };
}

function sameOwner(a: RunOwner, b: RunOwner): boolean {
  return a.pid === b.pid && a.host === b.host && (a.started === undefined || b.started === undefined || a.started === b.started);
}

function toEvent(row: EventRow): JournaledEvent {
  // The body is a fresh object: adding seq in place is safe and avoids a copy per event.
  const e = JSON.parse(row.body) as RunEvent & { seq: number };
  e.seq = row.seq;
  return e;
}

/**
 * Creates `dir` and its missing parents one by one. Node's recursive mkdirSync never returns where the
 * kernel answers ENOENT for a folder that cannot be made (under /proc, say): it retries forever at 100 % CPU.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const path of missing.reverse()) mkdirSync(path);
}
