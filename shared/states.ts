/** Every state a task can be in, printed as is by the CLI and the UI. */
export const TASK_STATES = [
  'BLOCKED',
  'QUEUED',
  'IN_PROGRESS',
  'RETRYING',
  'COMPLETE',
  'FAILED',
  'SKIPPED',
  'UPSTREAM_FAILED',
  'CANCELLED',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** Every state a run can be in. INTERRUPTED is derived: a live run whose owning process is gone. */
export const RUN_STATES = [
  'RUNNING',
  'COMPLETE',
  'PARTIAL',
  'FAILED',
  'NEEDS_ATTENTION',
  'CANCELLED',
  'INTERRUPTED',
] as const;
export type RunState = (typeof RUN_STATES)[number];

export const ATTEMPT_STATES = ['IN_PROGRESS', 'COMPLETE', 'FAILED', 'CANCELLED', 'INTERRUPTED'] as const;
export type AttemptState = (typeof ATTEMPT_STATES)[number];

export const ON_FAILURE_POLICIES = ['fail', 'skip', 'wait'] as const;
export type OnFailurePolicy = (typeof ON_FAILURE_POLICIES)[number];

export const ISOLATION_LEVELS = ['thread', 'pooled', 'process'] as const;
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

/** Task states from which nothing more happens unless a person retries the task. */
export const SETTLED_TASK_STATES: ReadonlySet<TaskState> = new Set([
  'COMPLETE',
  'FAILED',
  'SKIPPED',
  'UPSTREAM_FAILED',
  'CANCELLED',
]);

/** Task states a person may retry from. */
export const RETRYABLE_TASK_STATES: ReadonlySet<TaskState> = new Set([
  'FAILED',
  'SKIPPED',
  'UPSTREAM_FAILED',
  'CANCELLED',
]);

/** Run states after which the coordinator has stopped (a person may still retry, skip or resume). */
export const FINAL_RUN_STATES: ReadonlySet<RunState> = new Set(['COMPLETE', 'PARTIAL', 'FAILED', 'CANCELLED']);

/** Process exit code for each final run state (the CLI's contract). */
export const EXIT_CODES = { COMPLETE: 0, FAILED: 1, PARTIAL: 2, USAGE: 3, SIGNAL: 130 } as const;
