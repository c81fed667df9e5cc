import type { ErrorInfo } from './errors.ts';
import type { RunOptions } from './events.ts';
import type { JobPlan } from './job-schema.ts';
import type { AttemptState, RunState, TaskState } from './states.ts';
import type { WorkerRef } from './workers.ts';

export interface AttemptSnapshot {
  attempt: number;
  attemptId: string;
  state: AttemptState;
  slot: number;
  startedAt: number;
  finishedAt?: number;
  error?: ErrorInfo;
  /** The remote worker that ran it; absent when it ran on the coordinator's machine. */
  worker?: WorkerRef;
}

export interface TaskProgress {
  done: number;
  total?: number;
  message?: string;
}

export interface TaskSnapshot {
  id: string;
  name: string;
  blockedBy: string[];
  group?: string;
  state: TaskState;
  /** Every state the task has been in, in order, with when it entered it. */
  history: { state: TaskState; at: number }[];
  attempts: AttemptSnapshot[];
  /** The attempt allowed to complete the task; results from any other attempt are discarded. */
  currentAttemptId?: string;
  progress?: TaskProgress;
  retryAt?: number;
  lastError?: ErrorInfo;
  skippedBy?: 'user' | 'policy';
  upstreamFailed?: string;
  logCount: number;
  /** Index in `attempts` where the automatic-retry budget starts (moved by a manual retry). */
  budgetFrom: number;
}

/** The state of one run: a fold of its journal with applyEvent. */
export interface RunSnapshot {
  runId: string;
  jobName: string;
  jobFile: string;
  plan: JobPlan;
  options: RunOptions;
  state: RunState;
  createdAt: number;
  startedAt: number;
  finishedAt?: number;
  /** seq of the last event folded in. */
  seq: number;
  /** Task ids in job-file order. */
  order: string[];
  /**
   * Tasks by id. A changed task is always a new object, but this index is updated in place so that
   * folding stays O(1) per event on 100,000-task runs; watch `seq` to see that something changed.
   */
  tasks: Record<string, TaskSnapshot>;
  counts: Record<TaskState, number>;
}
