import type { JobPlan, PlannedTask } from '../../../shared/job-schema.ts';
import type { RunSnapshot, TaskSnapshot } from '../../../shared/snapshot.ts';
import { FINAL_RUN_STATES, SETTLED_TASK_STATES } from '../../../shared/states.ts';
import { useApp } from './index.ts';

/**
 * Memoises `fn(snapshot, key)` until the next batch. The store replaces `snapshot.tasks` once per batch, so
 * hundreds of components selecting the same derived value (a group's counts, a node's inputs) compute it
 * once per batch instead of once each per store update.
 */
export function perBatch<K, R>(fn: (snapshot: RunSnapshot, key: K) => R): (snapshot: RunSnapshot, key: K) => R {
  const cache = new WeakMap<object, Map<K, R>>();
  return (snapshot, key) => {
    let byKey = cache.get(snapshot.tasks);
    if (!byKey) cache.set(snapshot.tasks, (byKey = new Map()));
    if (byKey.has(key)) return byKey.get(key)!;
    const value = fn(snapshot, key);
    byKey.set(key, value);
    return value;
  };
}

/** One task of the open run; re-renders the caller only when that task object is replaced. */
export function useTask(taskId: string): TaskSnapshot | undefined {
  return useApp((s) => s.snapshot?.tasks[taskId]);
}

const planIndexes = new WeakMap<JobPlan, Map<string, PlannedTask>>();

/** The planned task (retries, timeout, processor…) by id; indexed once per plan. */
export function plannedTask(plan: JobPlan, taskId: string): PlannedTask | undefined {
  let index = planIndexes.get(plan);
  if (!index) {
    index = new Map(plan.tasks.map((t) => [t.id, t]));
    planIndexes.set(plan, index);
  }
  return index.get(taskId);
}

const sinkCache = new WeakMap<JobPlan, string[]>();

/** Tasks nobody depends on: where the run's result is. */
export function sinkIds(plan: JobPlan): string[] {
  let sinks = sinkCache.get(plan);
  if (!sinks) {
    const used = new Set(plan.tasks.flatMap((t) => t.blockedBy));
    sinks = plan.tasks.filter((t) => !used.has(t.id)).map((t) => t.id);
    sinkCache.set(plan, sinks);
  }
  return sinks;
}

export interface RunProgress {
  total: number;
  settled: number;
  /** 0..1, counting running tasks by their reported progress. */
  fraction: number;
}

/** Overall progress of a run (computed once per batch). */
export function runProgress(snapshot: RunSnapshot): RunProgress {
  return runProgressPerBatch(snapshot, null);
}

const runProgressPerBatch = perBatch((snapshot: RunSnapshot, _key: null): RunProgress => {
  const total = snapshot.order.length;
  let settled = 0;
  let partial = 0;
  for (const id of snapshot.order) {
    const t = snapshot.tasks[id];
    if (SETTLED_TASK_STATES.has(t.state)) settled += 1;
    else if (t.state === 'IN_PROGRESS' && t.progress?.total) partial += Math.min(1, t.progress.done / t.progress.total);
  }
  return { total, settled, fraction: total === 0 ? 1 : (settled + partial) / total };
});

/** Tasks that entered COMPLETE within the last `windowMs` before `now` (engine clock), per second. */
export function completionRate(snapshot: RunSnapshot, now: number, windowMs = 10_000): number {
  const since = now - windowMs;
  let n = 0;
  for (const id of snapshot.order) {
    const t = snapshot.tasks[id];
    if (t.state !== 'COMPLETE') continue;
    const entered = t.history[t.history.length - 1].at;
    if (entered >= since) n += 1;
  }
  const span = Math.min(windowMs, Math.max(1, now - snapshot.startedAt));
  return (n * 1000) / span;
}

/** True while the engine may still change the run by itself. */
export function isRunLive(snapshot: RunSnapshot): boolean {
  return !FINAL_RUN_STATES.has(snapshot.state) && snapshot.state !== 'INTERRUPTED';
}
