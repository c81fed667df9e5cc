import { applyEvent } from '../../../shared/apply-event.ts';
import type { EventBatch, JournaledEvent, RunEvent } from '../../../shared/events.ts';
import type { RunSnapshot, TaskProgress } from '../../../shared/snapshot.ts';
import type { RunState, TaskState } from '../../../shared/states.ts';

/** An output written in the same transaction as the event that completes its task. */
export interface PendingOutput {
  taskId: string;
  attemptId: string;
  bytes: Uint8Array;
}

/** What the coordinator needs of a store: the real RunStore, or an in-memory fake in unit tests. */
export interface JournalStore {
  append(
    runId: string,
    events: RunEvent[],
    outputs?: PendingOutput[],
    summary?: { state: RunState; counts: Record<TaskState, number>; finishedAt?: number },
  ): JournaledEvent[];
  getOutputs(runId: string, taskIds: string[]): Map<string, Uint8Array>;
}

/**
 * The coordinator's view of a run: events are folded into the in-memory snapshot at once (so scheduling
 * never waits on disk) and committed in one transaction per tick. Subscribers see a batch only after it is
 * committed, so nothing is reported that a crash could take back. Progress is coalesced per task.
 */
export class RunJournal {
  snapshot: RunSnapshot;
  private readonly store: JournalStore;
  private buffer: RunEvent[] = [];
  private outputs: PendingOutput[] = [];
  private readonly pendingOutputs = new Map<string, Uint8Array>();
  private readonly progress = new Map<string, TaskProgress>();
  private progressFlushedAt = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(batch: EventBatch) => void>();
  private readonly errorListeners = new Set<(err: unknown) => void>();
  private readonly progressIntervalMs: number;
  private readonly commitIntervalMs: number;

  constructor(store: JournalStore, snapshot: RunSnapshot, opts: { progressIntervalMs?: number; commitIntervalMs?: number } = {}) {
    this.store = store;
    this.snapshot = snapshot;
    this.progressIntervalMs = opts.progressIntervalMs ?? 100;
    this.commitIntervalMs = opts.commitIntervalMs ?? 5;
  }

  get runId(): string {
    return this.snapshot.runId;
  }

  /** Folds an event into the snapshot now and queues it (with its task's output, if any) for the next commit. */
  append(event: RunEvent, output?: PendingOutput): void {
    if (event.type === 'attempt.started' || event.type === 'task.reset') this.progress.delete(event.taskId);
    if (event.type === 'attempt.succeeded' || event.type === 'attempt.failed') this.takeProgress(event.taskId);
    this.snapshot = applyEvent(this.snapshot, event);
    this.buffer.push(event);
    if (output) {
      this.outputs.push(output);
      this.pendingOutputs.set(output.taskId, output.bytes);
    }
    this.scheduleFlush();
  }

  /** Records the latest progress of a running task; at most one event per task per interval is journaled. */
  reportProgress(taskId: string, progress: TaskProgress): void {
    this.progress.set(taskId, progress);
    if (this.progressTimer) return;
    const wait = Math.max(0, this.progressFlushedAt + this.progressIntervalMs - Date.now());
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      this.progressFlushedAt = Date.now();
      for (const id of [...this.progress.keys()]) this.takeProgress(id);
      this.scheduleFlush();
    }, wait);
    this.progressTimer.unref();
  }

  /** The stored output of a completed task, including one not yet committed. */
  getOutputs(taskIds: string[]): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    const fromStore: string[] = [];
    for (const id of taskIds) {
      const pending = this.pendingOutputs.get(id);
      if (pending) out.set(id, pending);
      else fromStore.push(id);
    }
    if (fromStore.length > 0) for (const [id, bytes] of this.store.getOutputs(this.runId, fromStore)) out.set(id, bytes);
    return out;
  }

  /** Commits everything queued in one transaction, then hands the committed batch to subscribers. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    const outputs = this.outputs;
    this.buffer = [];
    this.outputs = [];
    let journaled: JournaledEvent[];
    try {
      const s = this.snapshot;
      journaled = this.store.append(this.runId, events, outputs, { state: s.state, counts: s.counts, finishedAt: s.finishedAt });
    } catch (err) {
      for (const l of this.errorListeners) l(err);
      if (this.errorListeners.size === 0) throw err;
      return;
    }
    for (const o of outputs) if (this.pendingOutputs.get(o.taskId) === o.bytes) this.pendingOutputs.delete(o.taskId);
    const batch: EventBatch = { runId: this.runId, seq: journaled[journaled.length - 1].seq, events: journaled };
    for (const l of this.listeners) l(batch);
  }

  /** Receives committed batches, in order. Returns an unsubscribe function. */
  subscribe(listener: (batch: EventBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Receives store failures (disk full, file removed…); the coordinator stops the run on one. */
  onError(listener: (err: unknown) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Stops the progress timer; pending progress is journaled by the final flush. */
  close(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    for (const id of [...this.progress.keys()]) this.takeProgress(id);
    this.flush();
  }

  private takeProgress(taskId: string): void {
    const p = this.progress.get(taskId);
    if (!p) return;
    this.progress.delete(taskId);
    if (this.snapshot.tasks[taskId]?.state !== 'IN_PROGRESS') return;
    const event: RunEvent = { type: 'task.progress', at: Date.now(), taskId, ...p };
    this.snapshot = applyEvent(this.snapshot, event);
    this.buffer.push(event);
  }

  private scheduleFlush(): void {
    // Group commit: everything that happens within a few milliseconds shares one transaction (a commit costs
    // ~150 µs, as much as an attempt). Nothing is reported before it is committed, so this only delays
    // what subscribers see by at most commitIntervalMs; a big backlog is committed at once.
    if (this.buffer.length >= 5_000) {
      this.flush();
      return;
    }
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.commitIntervalMs);
  }
}
