import { availableParallelism } from 'node:os';
import type { JobPreview, JobProblem, RunSummary } from '../../shared/contract.ts';
import { DprocError, ERROR_CODES } from '../../shared/errors.ts';
import type { JobPlan } from '../../shared/job-schema.ts';
import type { OnFailurePolicy } from '../../shared/states.ts';
import type { Engine, RunOverrides } from '../engine/engine.ts';
import type { RunSummary as StoredRunSummary } from '../engine/store/types.ts';

/** Retries every FAILED task of a run, resuming it here if nobody drives it; returns the task ids. */
export function retryAllFailed(engine: Engine, runId: string): string[] {
  const live = engine.coordinator(runId);
  if (live) return live.retryAllFailed();
  const snapshot = engine.store.loadSnapshot(runId);
  const failed = snapshot.order.filter((id) => snapshot.tasks[id].state === 'FAILED');
  if (failed.length > 0) engine.resume(runId, { retry: failed });
  return failed;
}

/** Cancels a run this process drives; a run already CANCELLED is fine, anything else is refused with a reason. */
export function cancelRun(engine: Engine, runId: string): void {
  const live = engine.coordinator(runId);
  if (live) {
    live.cancelRun();
    return;
  }
  const run = engine.store.getRunSummary(runId);
  if (run.state === 'CANCELLED') return;
  if ((run.state === 'RUNNING' || run.state === 'NEEDS_ATTENTION') && run.owner) {
    throw new DprocError(ERROR_CODES.RUN_ACTIVE, `run ${runId} is driven by another process (pid ${run.owner.pid} on ${run.owner.host}); cancel it there`);
  }
  throw new DprocError(ERROR_CODES.INVALID_CONTROL, `run ${runId} is ${run.state}; only a running run can be cancelled`);
}

/** Continues an INTERRUPTED or CANCELLED run here; a finished run is retried or skipped task by task instead. */
export function resumeRun(engine: Engine, runId: string): string {
  if (engine.coordinator(runId)) return runId;
  const run = engine.store.getRunSummary(runId);
  if (run.state === 'COMPLETE' || run.state === 'PARTIAL' || run.state === 'FAILED') {
    throw new DprocError(ERROR_CODES.INVALID_CONTROL, `run ${runId} is ${run.state}; retry or skip its tasks instead of resuming it`);
  }
  return engine.resume(runId).runId;
}

/** A history row as the contract has it (the store's extra fields stay server-side). */
export function toRunSummary(r: StoredRunSummary): RunSummary {
  return {
    runId: r.runId,
    jobName: r.jobName,
    jobFile: r.jobFile,
    state: r.state,
    createdAt: r.createdAt,
    ...(r.finishedAt !== undefined ? { finishedAt: r.finishedAt } : {}),
    taskCount: r.taskCount,
    counts: r.counts,
  };
}

/** The launcher's preview of a validated job, with the settings a run would really get. */
export function jobPreview(plan: JobPlan, overrides: RunOverrides, defaultOnFailure: OnFailurePolicy): JobPreview {
  return {
    name: plan.name,
    file: plan.file,
    // Same precedence as Engine.start: override, job file, then the default.
    concurrency: overrides.concurrency ?? plan.concurrency ?? availableParallelism(),
    onFailure: overrides.onFailure ?? plan.onFailure ?? defaultOnFailure,
    tasks: plan.tasks.map((t) => ({ id: t.id, name: t.name, blockedBy: t.blockedBy, ...(t.group ? { group: t.group } : {}) })),
  };
}

/** One loader error as the launcher shows it inline. */
export function toJobProblem(e: DprocError): JobProblem {
  const { taskId, field, line, column } = e.location;
  return {
    code: e.code,
    message: e.message,
    ...(taskId !== undefined ? { taskId } : {}),
    ...(field !== undefined ? { field } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
  };
}
