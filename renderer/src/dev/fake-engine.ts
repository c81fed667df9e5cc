/**
 * An in-memory stand-in for the engine (dev server only, `?fake`): runs plans on a simulated clock with the
 * shared applyEvent, so the UI can be looked at and tried without `dproc serve`. Deliberately simple.
 */
import type { ControlPreview, RunSummary } from '../../../shared/contract.ts';
import { applyEvent, TASK_TRANSITIONS } from '../../../shared/apply-event.ts';
import type { EventBatch, JournaledEvent, RunEvent } from '../../../shared/events.ts';
import type { JobPlan } from '../../../shared/job-schema.ts';
import type { RunSnapshot } from '../../../shared/snapshot.ts';
import { RETRYABLE_TASK_STATES, SETTLED_TASK_STATES, type OnFailurePolicy } from '../../../shared/states.ts';
import { hash01, type FakeJob } from './fake-jobs.ts';

const TICK_MS = 50;

interface Work {
  done: number;
  total: number;
}

export class FakeRun {
  readonly events: JournaledEvent[] = [];
  snapshot!: RunSnapshot;
  interrupted = false;
  private outbox: JournaledEvent[] = [];
  private work = new Map<string, Work>();
  private slots: (string | undefined)[] = [];
  private dependents = new Map<string, string[]>();
  private attemptSeq = 0;

  readonly runId: string;
  readonly plan: JobPlan;
  readonly job: FakeJob;
  readonly onFailure: OnFailurePolicy;

  constructor(runId: string, plan: JobPlan, job: FakeJob, onFailure: OnFailurePolicy, concurrency: number, now: number) {
    this.runId = runId;
    this.plan = plan;
    this.job = job;
    this.onFailure = onFailure;
    this.slots = new Array(concurrency).fill(undefined);
    for (const t of plan.tasks) for (const d of t.blockedBy) (this.dependents.get(d) ?? this.dependents.set(d, []).get(d)!).push(t.id);
    this.emit({ type: 'run.created', at: now, runId, plan, options: { concurrency, onFailure } });
    this.emit({ type: 'run.started', at: now, pid: 4242, host: 'fake', resumed: false });
  }

  emit(event: RunEvent): void {
    const journaled = { ...event, seq: this.events.length + 1 } as JournaledEvent;
    this.events.push(journaled);
    this.snapshot = applyEvent(this.snapshot ?? null, journaled);
    this.outbox.push(journaled);
  }

  /** Events since the last call, as one batch (null when none). */
  takeBatch(): EventBatch | null {
    if (this.outbox.length === 0) return null;
    const events = this.outbox;
    this.outbox = [];
    return { runId: this.runId, seq: events[events.length - 1].seq, events: structuredClone(events) };
  }

  /** What a client sees: a deep copy (the fake's own snapshot is mutated in place by applyEvent). */
  view(): RunSnapshot {
    const copy = structuredClone(this.snapshot);
    if (this.interrupted) copy.state = 'INTERRUPTED';
    return copy;
  }

  get live(): boolean {
    return !this.interrupted && (this.snapshot.state === 'RUNNING');
  }

  summary(): RunSummary {
    const s = this.snapshot;
    return {
      runId: this.runId,
      jobName: s.jobName,
      jobFile: s.jobFile,
      state: this.interrupted ? 'INTERRUPTED' : s.state,
      createdAt: s.createdAt,
      finishedAt: s.finishedAt,
      taskCount: s.order.length,
      counts: { ...s.counts },
    };
  }

  downstream(taskId: string): string[] {
    const out = new Set<string>();
    const stack = [...(this.dependents.get(taskId) ?? [])];
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...(this.dependents.get(id) ?? []));
    }
    return this.snapshot.order.filter((id) => out.has(id));
  }

  /** One step of the simulated scheduler and workers. */
  step(now: number): void {
    if (!this.live) return;
    const s = this.snapshot;
    for (const id of s.order) {
      const t = s.tasks[id];
      if (t.state === 'RETRYING' && (t.retryAt ?? 0) <= now) this.emit({ type: 'task.queued', at: now, taskId: id });
      else if (t.state === 'BLOCKED' && t.blockedBy.every((d) => ['COMPLETE', 'SKIPPED'].includes(s.tasks[d].state))) {
        this.emit({ type: 'task.queued', at: now, taskId: id });
      }
    }
    for (let slot = 0; slot < this.slots.length; slot++) {
      if (this.slots[slot] !== undefined) continue;
      const next = s.order.find((id) => s.tasks[id].state === 'QUEUED');
      if (!next) break;
      this.slots[slot] = next;
      const attempt = s.tasks[next].attempts.length + 1;
      this.work.set(next, { done: 0, total: 10 + Math.round(hash01(`${next}#${attempt}`) * 40) });
      this.emit({ type: 'attempt.started', at: now, taskId: next, attemptId: `a${++this.attemptSeq}`, attempt, slot });
      this.emit({ type: 'task.log', at: now, taskId: next, attempt, stream: 'log', text: `attempt ${attempt} started on slot ${slot}` });
    }
    for (let slot = 0; slot < this.slots.length; slot++) {
      const id = this.slots[slot];
      if (id === undefined) continue;
      const t = s.tasks[id];
      if (t.state !== 'IN_PROGRESS') {
        this.slots[slot] = undefined;
        continue;
      }
      const w = this.work.get(id)!;
      w.done = Math.min(w.total, w.done + 1);
      const attempt = t.attempts.length;
      if (w.done < w.total) {
        this.emit({ type: 'task.progress', at: now, taskId: id, done: w.done, total: w.total, message: `chunk ${w.done}/${w.total}` });
        if (w.done % 10 === 0) this.emit({ type: 'task.log', at: now, taskId: id, attempt, stream: 'stdout', text: `processed ${w.done * 100} rows` });
        continue;
      }
      this.slots[slot] = undefined;
      this.finishAttempt(id, attempt, now);
    }
    this.settleRunState(now);
  }

  private finishAttempt(id: string, attempt: number, now: number): void {
    const t = this.snapshot.tasks[id];
    const failures = this.job.failures(id);
    const fails = failures === 'always' || failures.includes(attempt);
    if (!fails) {
      this.emit({ type: 'task.log', at: now, taskId: id, attempt, stream: 'log', text: 'done' });
      this.emit({ type: 'attempt.succeeded', at: now, taskId: id, attemptId: t.currentAttemptId! });
      return;
    }
    const planned = this.plan.tasks.find((p) => p.id === id)!;
    const error = {
      code: 'DPROC_E_PROCESSOR_THREW',
      message: `${id}: malformed row ${Math.round(hash01(`${id}@${attempt}`) * 9000) + 100} (expected 7 columns, got 6)`,
      stack: `Error: malformed row\n    at parseRow (${planned.processor}:42:11)\n    at process (${planned.processor}:17:5)`,
    };
    this.emit({ type: 'task.log', at: now, taskId: id, attempt, stream: 'stderr', text: error.message });
    const retryAt = attempt <= planned.retries ? now + Math.min(planned.maxBackoffMs, planned.backoffMs * 2 ** (attempt - 1)) : undefined;
    this.emit({ type: 'attempt.failed', at: now, taskId: id, attemptId: t.currentAttemptId!, error, retryAt });
    if (retryAt !== undefined) return;
    if (this.onFailure === 'skip') this.emit({ type: 'task.skipped', at: now, taskId: id, by: 'policy' });
    if (this.onFailure === 'fail') this.cancelAll(now, 'FAILED');
  }

  private settleRunState(now: number): void {
    const s = this.snapshot;
    const active = s.order.some((id) => ['QUEUED', 'IN_PROGRESS', 'RETRYING'].includes(s.tasks[id].state));
    if (active || s.state !== 'RUNNING') return;
    const unsettled = s.order.some((id) => !SETTLED_TASK_STATES.has(s.tasks[id].state));
    if (unsettled) {
      if (s.counts.FAILED > 0 || s.counts.CANCELLED > 0) this.emit({ type: 'run.state', at: now, state: 'NEEDS_ATTENTION' });
      return;
    }
    const state = s.counts.COMPLETE === s.order.length ? 'COMPLETE' : s.counts.FAILED > 0 ? 'FAILED' : 'PARTIAL';
    this.emit({ type: 'run.state', at: now, state });
  }

  private cancelAll(now: number, state: 'FAILED' | 'CANCELLED'): void {
    for (const id of this.snapshot.order) {
      const t = this.snapshot.tasks[id];
      if (!SETTLED_TASK_STATES.has(t.state)) this.emit({ type: 'task.cancelled', at: now, taskId: id });
    }
    this.slots.fill(undefined);
    this.emit({ type: 'run.state', at: now, state });
  }

  private reopen(now: number): void {
    if (this.snapshot.state !== 'RUNNING') this.emit({ type: 'run.state', at: now, state: 'RUNNING' });
  }

  preview(action: ControlPreview['action'], taskId: string): ControlPreview {
    const t = this.snapshot.tasks[taskId];
    if (!t) return { action, taskId, allowed: false, reason: `no task "${taskId}"`, affected: [] };
    const allowed =
      action === 'retry' ? RETRYABLE_TASK_STATES.has(t.state) : TASK_TRANSITIONS[t.state].includes(action === 'skip' ? 'SKIPPED' : 'CANCELLED');
    return {
      action,
      taskId,
      allowed,
      reason: allowed ? undefined : `${taskId} is ${t.state.toLowerCase()}`,
      affected: [taskId, ...this.downstream(taskId)],
    };
  }

  control(action: ControlPreview['action'], taskId: string, now: number): ControlPreview {
    const preview = this.preview(action, taskId);
    if (!preview.allowed) return preview;
    this.interrupted = false;
    if (action === 'retry') {
      for (const id of [taskId, ...this.downstream(taskId)]) {
        if (id === taskId || this.snapshot.tasks[id].state !== 'BLOCKED') this.emit({ type: 'task.reset', at: now, taskId: id, by: 'user' });
      }
    } else if (action === 'skip') {
      this.emit({ type: 'task.skipped', at: now, taskId, by: 'user' });
    } else {
      this.emit({ type: 'task.cancelled', at: now, taskId });
      for (const id of this.downstream(taskId)) {
        if (['BLOCKED', 'QUEUED'].includes(this.snapshot.tasks[id].state)) this.emit({ type: 'task.upstream_failed', at: now, taskId: id, upstream: taskId });
      }
    }
    this.reopen(now);
    return preview;
  }

  cancelRun(now: number): void {
    this.cancelAll(now, 'CANCELLED');
  }

  resume(now: number): void {
    this.interrupted = false;
    this.emit({ type: 'run.started', at: now, pid: 4243, host: 'fake', resumed: true });
    for (const id of this.snapshot.order) {
      const t = this.snapshot.tasks[id];
      if (t.state === 'IN_PROGRESS') this.emit({ type: 'attempt.interrupted', at: now, taskId: id, attemptId: t.currentAttemptId! });
    }
    this.slots.fill(undefined);
  }

  /** Runs the simulation on a virtual clock (for seeding history). */
  fastForward(from: number, until: (run: FakeRun) => boolean, maxSteps = 20_000): number {
    let now = from;
    for (let i = 0; i < maxSteps && this.live && !until(this); i++) {
      now += TICK_MS;
      this.step(now);
    }
    this.outbox = [];
    return now;
  }
}

export { TICK_MS };
