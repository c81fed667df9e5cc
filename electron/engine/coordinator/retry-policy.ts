import type { PlannedTask } from '../../../shared/job-schema.ts';

/** Delay before automatic retry number `retry` (1-based): backoffMs doubled per retry, capped by maxBackoffMs. */
export function backoffDelay(task: Pick<PlannedTask, 'backoffMs' | 'maxBackoffMs'>, retry: number): number {
  if (retry < 1) return 0;
  // 2 ** 1024 is Infinity, so cap the exponent before multiplying; the cap then applies as usual.
  const factor = 2 ** Math.min(retry - 1, 60);
  return Math.min(task.backoffMs * factor, task.maxBackoffMs);
}

/** Whether a task that has made `attemptsUsed` attempts since its budget was last reset may try again. */
export function canRetry(task: Pick<PlannedTask, 'retries'>, attemptsUsed: number): boolean {
  return attemptsUsed <= task.retries;
}
