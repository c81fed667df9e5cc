import type { ControlPreview } from '../../../shared/contract.ts';
import { applyEvent } from '../../../shared/apply-event.ts';
import { previewControl, type ControlAction } from '../../../shared/controls.ts';
import { dependentsIndex, downstreamOf } from '../../../shared/dag.ts';
import { DprocError, ERROR_CODES, toErrorInfo, type ErrorInfo } from '../../../shared/errors.ts';
import type { EventBatch, RunEvent, RunOptions } from '../../../shared/events.ts';
import type { JobPlan, PlannedTask } from '../../../shared/job-schema.ts';
import type { RunSnapshot } from '../../../shared/snapshot.ts';
import type { IsolationLevel, TaskState } from '../../../shared/states.ts';
import type { Executor, Forecast } from '../executors/executor.ts';
import { packOutputs } from '../worker/packed-outputs.ts';
import { currentOwner } from '../store/liveness.ts';
import { newAttemptId } from './attempt-id.ts';
import { RunJournal, type JournalStore } from './journal.ts';
import { ReadyQueue } from './ready-queue.ts';
import { backoffDelay, canRetry } from './retry-policy.ts';
import { newRunId } from './run-id.ts';
import { isLive, settledRunState } from './run-outcome.ts';

/** The store operations a coordinator needs beyond the journal: creating, loading and owning runs. */
export interface CoordinatorStore extends JournalStore {
  createRun(event: Extract<RunEvent, { type: 'run.created' }>): unknown;
  loadSnapshot(runId: string): RunSnapshot;
  claimRun(runId: string, owner: { pid: number; host: string }): void;
  releaseRun(runId: string): void;
}

/** Hands out the executor for an isolation level (see ExecutorSet). */
export interface ExecutorProvider {
  get(kind: IsolationLevel): Executor;
  /** Which queued attempts start next, per isolation level (see Executor.expect). */
  forecast?(upcoming: Forecast): void;
}

export interface CoordinatorDeps {
  store: CoordinatorStore;
  executors: ExecutorProvider;
  /** How often, at most, a running task's progress is journaled and sent (ms). */
  progressIntervalMs?: number;
}

interface RunningAttempt {
  attemptId: string;
  controller: AbortController;
  timer: NodeJS.Timeout;
  slot: number;
}

/** Why an attempt was aborted; only a timeout counts as the attempt's own failure. */
type AbortReason = 'timeout' | 'cancel' | 'skip' | 'reset' | 'run-cancelled' | 'shutdown';

const SATISFIED: ReadonlySet<TaskState> = new Set(['COMPLETE', 'SKIPPED']);

/**
 * How far into the ready queue the forecast looks: no executor keeps more spares than this. Stale
 * entries (tasks no longer QUEUED) are passed over, up to 4 times as many.
 */
const FORECAST_DEPTH = 8;

/**
 * Drives one run: starts tasks whose blockers are done, at most `concurrency` at once, retries failed
 * attempts with backoff, applies the failure policy, and takes manual controls. Scheduling is driven by
 * completion events, never by polling. All state lives in the journal's snapshot (applyEvent).
 */
export class Coordinator {
  readonly runId: string;
  private readonly journal: RunJournal;
  private readonly deps: CoordinatorDeps;
  private readonly plan: Map<string, PlannedTask>;
  private readonly dependents: Map<string, string[]>;
  private readonly unsatisfied = new Map<string, number>();
  private readonly ready = new ReadyQueue();
  /** The last forecast sent, packed into one number (see forecast()); -1: none yet. */
  private lastForecast = -1;
  private readonly running = new Map<string, RunningAttempt>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly freeSlots: number[];
  private readonly concurrency: number;
  private settleWaiters: ((s: RunSnapshot) => void)[] = [];
  private failure: unknown;
  private closed = false;

  private constructor(journal: RunJournal, deps: CoordinatorDeps) {
    this.journal = journal;
    this.deps = deps;
    this.runId = journal.runId;
    const snap = journal.snapshot;
    this.plan = new Map(snap.plan.tasks.map((t) => [t.id, t]));
    this.dependents = dependentsIndex(snap.plan.tasks);
    this.concurrency = snap.options.concurrency;
    this.freeSlots = Array.from({ length: this.concurrency }, (_, i) => this.concurrency - 1 - i);
    journal.onError((err) => this.fail(err));
  }

  /** Records a new run of `plan` and starts it. */
  static start(plan: JobPlan, options: RunOptions, deps: CoordinatorDeps, runId = newRunId()): Coordinator {
    const created = { type: 'run.created', at: Date.now(), runId, plan, options } as const;
    deps.store.createRun(created);
    // Fold the event in hand rather than reading it back: a 100,000-task plan would be parsed a second time.
    const snapshot = applyEvent(null, { ...created, seq: 1 });
    const c = new Coordinator(new RunJournal(deps.store, snapshot, deps), deps);
    c.claim(false);
    c.countBlockers();
    c.scheduleFromSnapshot();
    c.pump();
    return c;
  }

  /**
   * Continues a run whose process died or that was cancelled: completed tasks keep their outputs and are not
   * run again; attempts that were in flight (or cancelled) run again. Refuses a run another live process owns.
   */
  static resume(runId: string, deps: CoordinatorDeps, controls: { retry?: string[]; skip?: string[] } = {}): Coordinator {
    const snapshot = deps.store.loadSnapshot(runId);
    const c = new Coordinator(new RunJournal(deps.store, snapshot, deps), deps);
    c.claim(true);
    for (const id of snapshot.order) {
      const t = c.snapshot.tasks[id];
      if (t.state === 'IN_PROGRESS' && t.currentAttemptId) {
        c.emit({ type: 'attempt.interrupted', at: Date.now(), taskId: id, attemptId: t.currentAttemptId });
      } else if (t.state === 'CANCELLED') {
        c.emit({ type: 'task.reset', at: Date.now(), taskId: id, by: 'resume' });
      }
    }
    c.countBlockers();
    // Controls go in before scheduling, so a finished run is not first settled again as it was.
    try {
      for (const id of controls.retry ?? []) c.retry(id);
      for (const id of controls.skip ?? []) c.skip(id);
    } catch (err) {
      void c.close();
      throw err;
    }
    c.scheduleFromSnapshot();
    c.pump();
    return c;
  }

  /** What a control would change on a run no coordinator drives (read from the store). */
  static previewStored(snapshot: RunSnapshot, action: ControlAction, taskId: string): ControlPreview {
    return previewControl(snapshot, dependentsIndex(snapshot.plan.tasks), action, taskId);
  }

  /** The run as it is now (in memory; may be a few ms ahead of what is committed). */
  get snapshot(): RunSnapshot {
    return this.journal.snapshot;
  }

  /** Receives every committed batch of events, in order. */
  subscribe(listener: (batch: EventBatch) => void): () => void {
    return this.journal.subscribe(listener);
  }

  /**
   * Resolves when the run next settles: COMPLETE, PARTIAL, FAILED, CANCELLED or NEEDS_ATTENTION, with
   * everything up to then committed. Rejects if the store fails.
   */
  whenSettled(): Promise<RunSnapshot> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.isActive()) {
      this.journal.flush();
      return Promise.resolve(this.snapshot);
    }
    return new Promise((resolve, reject) => {
      this.settleWaiters.push((s) => (this.failure ? reject(this.failure) : resolve(s)));
    });
  }

  /** What a control would change, without doing it. */
  preview(action: ControlAction, taskId: string): ControlPreview {
    return previewControl(this.snapshot, this.dependents, action, taskId);
  }

  /** Runs a FAILED, SKIPPED, UPSTREAM_FAILED or CANCELLED task again, with everything downstream of it. */
  retry(taskId: string): ControlPreview {
    const p = this.allowed('retry', taskId);
    this.reopen();
    for (const id of p.affected) {
      this.abortAttempt(id, 'reset');
      this.clearRetryTimer(id);
      this.emit({ type: 'task.reset', at: Date.now(), taskId: id, by: 'user' });
    }
    for (const id of p.affected) this.evaluate(id);
    this.pump();
    this.checkSettled();
    return p;
  }

  /** Retries every FAILED task of the run (their downstream follows). */
  retryAllFailed(): string[] {
    const failed = this.snapshot.order.filter((id) => this.snapshot.tasks[id].state === 'FAILED');
    for (const id of failed) if (this.snapshot.tasks[id].state === 'FAILED') this.retry(id);
    return failed;
  }

  /** Gives up on a task: it becomes SKIPPED and the tasks downstream of it run with partial input. */
  skip(taskId: string): ControlPreview {
    const p = this.allowed('skip', taskId);
    this.reopen();
    this.abortAttempt(taskId, 'skip');
    this.clearRetryTimer(taskId);
    this.emit({ type: 'task.skipped', at: Date.now(), taskId, by: 'user' });
    this.unblockDownstream(taskId);
    this.pump();
    this.checkSettled();
    return p;
  }

  /** Aborts a task's running attempt (or stops it from starting); it counts as failed for the policy. */
  cancel(taskId: string): ControlPreview {
    const p = this.allowed('cancel', taskId);
    this.abortAttempt(taskId, 'cancel');
    this.clearRetryTimer(taskId);
    this.emit({ type: 'task.cancelled', at: Date.now(), taskId });
    this.applyFailurePolicy(taskId);
    this.pump();
    this.checkSettled();
    return p;
  }

  /** Aborts every running attempt and records the run as CANCELLED; `resume` picks it up again. */
  cancelRun(): void {
    if (!isLive(this.snapshot.state)) return;
    for (const id of [...this.running.keys()]) this.abortAttempt(id, 'run-cancelled');
    for (const id of [...this.retryTimers.keys()]) this.clearRetryTimer(id);
    this.ready.clear();
    for (const id of this.snapshot.order) {
      const s = this.snapshot.tasks[id].state;
      if (s === 'BLOCKED' || s === 'QUEUED' || s === 'IN_PROGRESS' || s === 'RETRYING') {
        this.emit({ type: 'task.cancelled', at: Date.now(), taskId: id });
      }
    }
    this.emit({ type: 'run.state', at: Date.now(), state: 'CANCELLED' });
    this.notifySettled();
  }

  /** Commits what is pending and gives up ownership of the run. Running attempts are aborted. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.running.keys()]) this.abortAttempt(id, 'shutdown');
    for (const id of [...this.retryTimers.keys()]) this.clearRetryTimer(id);
    try {
      this.journal.close();
    } finally {
      this.deps.store.releaseRun(this.runId);
    }
  }

  // ---- scheduling ----

  private claim(resumed: boolean): void {
    const owner = currentOwner();
    this.deps.store.claimRun(this.runId, owner);
    this.emit({ type: 'run.started', at: Date.now(), pid: owner.pid, host: owner.host, resumed });
  }

  /** Rebuilds, from the snapshot, how many unfinished blockers each task has (start and resume). */
  private countBlockers(): void {
    const snap = this.snapshot;
    for (const id of snap.order) {
      const blockers = this.plan.get(id)!.blockedBy.filter((d) => !SATISFIED.has(snap.tasks[d].state)).length;
      this.unsatisfied.set(id, blockers);
    }
  }

  /** Queues, re-times or fails whatever the snapshot says is due (start and resume). */
  private scheduleFromSnapshot(): void {
    const snap = this.snapshot;
    for (const id of snap.order) {
      const t = this.snapshot.tasks[id];
      if (t.state === 'QUEUED') this.ready.push(id);
      else if (t.state === 'RETRYING') this.scheduleRetry(id, Math.max(0, (t.retryAt ?? 0) - Date.now()));
      else if (t.state === 'FAILED' || t.state === 'CANCELLED') this.applyFailurePolicy(id);
    }
    for (const id of snap.order) this.evaluate(id);
    this.checkSettled();
  }

  /** Queues a BLOCKED task whose blockers are all done. */
  private evaluate(id: string): void {
    if (this.snapshot.tasks[id].state !== 'BLOCKED' || this.unsatisfied.get(id) !== 0) return;
    if (!isLive(this.snapshot.state)) return;
    this.emit({ type: 'task.queued', at: Date.now(), taskId: id });
    this.ready.push(id);
  }

  /** Starts queued tasks while slots are free. */
  private pump(): void {
    while (this.running.size < this.concurrency && this.ready.size > 0 && isLive(this.snapshot.state) && !this.closed) {
      const id = this.ready.shift()!;
      if (this.snapshot.tasks[id].state === 'QUEUED') this.startAttempt(id);
    }
    this.forecast();
  }

  /**
   * Tells the executors how many of the queued tasks will start on each next, so that they start spare
   * workers for those and no more (none once the queue is empty). Sent only when it changes.
   */
  private forecast(): void {
    const provider = this.deps.executors;
    if (!provider.forecast) return;
    let thread = 0;
    let pooled = 0;
    let processes = 0;
    let found = 0;
    const depth = Math.min(this.concurrency, FORECAST_DEPTH);
    if (isLive(this.snapshot.state) && !this.closed) {
      this.ready.peek(depth * 4, (id) => {
        if (this.snapshot.tasks[id].state !== 'QUEUED') return true;
        const isolation = this.plan.get(id)!.isolation;
        if (isolation === 'thread') thread++;
        else if (isolation === 'pooled') pooled++;
        else processes++;
        return ++found < depth;
      });
    }
    const key = thread + pooled * 256 + processes * 65_536;
    if (key === this.lastForecast) return;
    this.lastForecast = key;
    provider.forecast({ thread, pooled, process: processes });
  }

  private startAttempt(id: string): void {
    const task = this.plan.get(id)!;
    const snap = this.snapshot.tasks[id];
    const attempt = snap.attempts.length + 1;
    const attemptId = newAttemptId();
    const slot = this.freeSlots.pop()!;
    this.emit({ type: 'attempt.started', at: Date.now(), taskId: id, attemptId, attempt, slot });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort('timeout' satisfies AbortReason), task.timeoutMs);
    this.running.set(id, { attemptId, controller, timer, slot });

    const completed = task.blockedBy.filter((d) => this.snapshot.tasks[d].state === 'COMPLETE');
    const upstream = completed.length > 0 ? packOutputs(this.journal.getOutputs(completed)) : undefined;
    const missing: Record<string, ErrorInfo | null> = {};
    for (const d of task.blockedBy) {
      const dep = this.snapshot.tasks[d];
      if (dep.state === 'SKIPPED') missing[d] = dep.lastError ?? null;
    }
    const isCurrent = () => this.running.get(id)?.attemptId === attemptId;
    let pending: Promise<Uint8Array>;
    try {
      pending = this.deps.executors.get(task.isolation).execute(
        { runId: this.runId, taskId: id, attempt, attemptId, processor: task.processor, input: task.input, upstream, missing, memoryLimitMb: task.memoryLimitMb },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (isCurrent()) this.journal.reportProgress(id, p);
          },
          onLog: (stream, text) => {
            if (isCurrent()) this.emit({ type: 'task.log', at: Date.now(), taskId: id, attempt, stream, text });
          },
          onWorker: (worker) => {
            if (isCurrent()) this.emit({ type: 'attempt.worker', at: Date.now(), taskId: id, attemptId, worker });
          },
        },
      );
    } catch (err) {
      // An executor that cannot start at all (a missing worker entry…) fails the attempt, not the coordinator.
      pending = Promise.reject(err);
    }
    pending.then(
      (bytes) => this.onAttemptEnd(id, attemptId, { ok: true, bytes }),
      (error: unknown) => this.onAttemptEnd(id, attemptId, { ok: false, error }),
    );
  }

  private onAttemptEnd(id: string, attemptId: string, result: { ok: true; bytes: Uint8Array } | { ok: false; error: unknown }): void {
    const run = this.running.get(id);
    // A result from an attempt that was aborted, timed out or superseded is discarded.
    if (!run || run.attemptId !== attemptId || this.closed) return;
    const timedOut = run.controller.signal.aborted && run.controller.signal.reason === 'timeout';
    this.releaseSlot(id, run);
    if (result.ok && !timedOut) {
      this.emit({ type: 'attempt.succeeded', at: Date.now(), taskId: id, attemptId }, { taskId: id, attemptId, bytes: result.bytes });
      this.unblockDownstream(id);
    } else {
      const task = this.plan.get(id)!;
      const error = timedOut
        ? { message: `task "${id}": attempt timed out after ${task.timeoutMs} ms`, code: ERROR_CODES.TIMEOUT }
        : toErrorInfo(result.ok ? new Error('unreachable') : result.error);
      const t = this.snapshot.tasks[id];
      const failures = t.attempts.slice(t.budgetFrom).filter((a) => a.state === 'FAILED').length + 1;
      if (canRetry(task, failures)) {
        const delay = backoffDelay(task, failures);
        this.emit({ type: 'attempt.failed', at: Date.now(), taskId: id, attemptId, error, retryAt: Date.now() + delay });
        this.scheduleRetry(id, delay);
      } else {
        this.emit({ type: 'attempt.failed', at: Date.now(), taskId: id, attemptId, error });
        this.applyFailurePolicy(id);
      }
    }
    this.pump();
    this.checkSettled();
  }

  private scheduleRetry(id: string, delay: number): void {
    this.clearRetryTimer(id);
    this.retryTimers.set(
      id,
      setTimeout(() => {
        this.retryTimers.delete(id);
        if (this.snapshot.tasks[id].state !== 'RETRYING' || !isLive(this.snapshot.state)) return;
        this.emit({ type: 'task.queued', at: Date.now(), taskId: id });
        this.ready.push(id);
        this.pump();
      }, delay),
    );
  }

  /** What a FAILED (or cancelled) task means for its downstream under the run's onFailure policy. */
  private applyFailurePolicy(id: string): void {
    switch (this.snapshot.options.onFailure) {
      case 'skip':
        this.emit({ type: 'task.skipped', at: Date.now(), taskId: id, by: 'policy' });
        this.unblockDownstream(id);
        return;
      case 'fail':
        for (const d of downstreamOf(id, this.dependents)) {
          const s = this.snapshot.tasks[d].state;
          if (s === 'BLOCKED' || s === 'QUEUED') this.emit({ type: 'task.upstream_failed', at: Date.now(), taskId: d, upstream: id });
        }
        return;
      case 'wait':
        return; // downstream stays BLOCKED until a person retries or skips the task
    }
  }

  /** After a task completed or was skipped: downstream tasks that had given up wait again, and ready ones start. */
  private unblockDownstream(id: string): void {
    // Walking everything downstream is only needed when something there gave up; skip it on the hot path.
    if (this.snapshot.counts.UPSTREAM_FAILED > 0) this.reviveDownstream(id);
    for (const d of this.dependents.get(id) ?? []) this.evaluate(d);
  }

  private reviveDownstream(id: string): void {
    for (const d of downstreamOf(id, this.dependents)) {
      if (this.snapshot.tasks[d].state === 'UPSTREAM_FAILED' && this.upstreamStillFailed(d) === undefined) {
        this.emit({ type: 'task.reset', at: Date.now(), taskId: d, by: 'user' });
      }
    }
  }

  /** A blocker of `id` that has failed for good (FAILED, CANCELLED or UPSTREAM_FAILED), if any. */
  private upstreamStillFailed(id: string): string | undefined {
    return this.plan.get(id)!.blockedBy.find((d) => ['FAILED', 'CANCELLED', 'UPSTREAM_FAILED'].includes(this.snapshot.tasks[d].state));
  }

  private checkSettled(): void {
    const state = this.snapshot.state;
    if (!isLive(state) || this.closed) return;
    const settled = settledRunState(this.snapshot, this.snapshot.options.onFailure);
    if (settled === null) {
      if (state === 'NEEDS_ATTENTION') this.emit({ type: 'run.state', at: Date.now(), state: 'RUNNING' });
      return;
    }
    if (settled !== state) this.emit({ type: 'run.state', at: Date.now(), state: settled });
    this.notifySettled();
  }

  private notifySettled(): void {
    this.journal.flush();
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const w of waiters) w(this.snapshot);
  }

  /** A person acted on a finished run: it is RUNNING again. */
  private reopen(): void {
    if (this.closed) throw new DprocError(ERROR_CODES.INVALID_CONTROL, `run ${this.runId}: the coordinator is closed`);
    if (this.snapshot.state !== 'RUNNING') this.emit({ type: 'run.state', at: Date.now(), state: 'RUNNING' });
  }

  private isActive(): boolean {
    return this.snapshot.state === 'RUNNING' && !this.closed;
  }

  private allowed(action: ControlAction, taskId: string): ControlPreview {
    const p = this.preview(action, taskId);
    if (!this.snapshot.tasks[taskId]) throw new DprocError(ERROR_CODES.TASK_NOT_FOUND, p.reason!, { taskId });
    if (!p.allowed) throw new DprocError(ERROR_CODES.INVALID_CONTROL, p.reason!, { taskId });
    return p;
  }

  private abortAttempt(id: string, reason: AbortReason): void {
    const run = this.running.get(id);
    if (!run) return;
    this.releaseSlot(id, run);
    run.controller.abort(reason);
  }

  private releaseSlot(id: string, run: RunningAttempt): void {
    clearTimeout(run.timer);
    this.running.delete(id);
    this.freeSlots.push(run.slot);
  }

  private clearRetryTimer(id: string): void {
    const t = this.retryTimers.get(id);
    if (t) clearTimeout(t);
    this.retryTimers.delete(id);
  }

  /** Appends an event and keeps the blocker counts of the task's dependents in step with it. */
  private emit(event: RunEvent, output?: { taskId: string; attemptId: string; bytes: Uint8Array }): void {
    const taskId = 'taskId' in event ? event.taskId : undefined;
    const before = taskId ? this.snapshot.tasks[taskId].state : undefined;
    this.journal.append(event, output);
    if (!taskId || before === undefined || this.unsatisfied.size === 0) return;
    const after = this.snapshot.tasks[taskId].state;
    const was = SATISFIED.has(before);
    const is = SATISFIED.has(after);
    if (was === is) return;
    for (const d of this.dependents.get(taskId) ?? []) this.unsatisfied.set(d, this.unsatisfied.get(d)! + (is ? -1 : 1));
  }

  /** The store failed: stop everything, keep what is committed, and reject whoever waits. */
  private fail(err: unknown): void {
    this.failure = err;
    for (const id of [...this.running.keys()]) this.abortAttempt(id, 'shutdown');
    for (const id of [...this.retryTimers.keys()]) this.clearRetryTimer(id);
    this.closed = true;
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const w of waiters) w(this.snapshot);
  }
}
