import type { RunSummary as ContractRunSummary } from '../../../shared/contract.ts';
import type { RunState, TaskState } from '../../../shared/states.ts';

/** The process that drives a run: only it may append, and a live run whose owner is gone is INTERRUPTED. */
export interface RunOwner {
  pid: number;
  host: string;
  /**
   * When the process started (Linux: clock ticks since boot, from /proc), if known: tells the owner
   * apart from a later process that was given the same pid.
   */
  started?: number;
}

/** Tells whether an owner process still exists; injectable so tests need not race real pids. */
export type OwnerLivenessCheck = (owner: RunOwner) => boolean;

/** What the coordinator caches on the run row with an append, so listing runs needs no replay. */
export interface RunSummaryUpdate {
  state: RunState;
  counts: Record<TaskState, number>;
  finishedAt?: number;
}

/** One task output to store with an append; replaces the task's previous output. */
export interface OutputRecord {
  taskId: string;
  attemptId: string;
  /** The output as the executor serialised it (node:v8). */
  bytes: Uint8Array;
}

/** A run as listed in history, from the cached run row (no replay): the contract's summary plus store details. */
export interface RunSummary extends ContractRunSummary {
  updatedAt: number;
  /** seq of the last event in the run's journal. */
  lastSeq: number;
  owner?: RunOwner;
}

/** One `task.log` event, as `getLogs` returns it (the contract's type). */
export type { LogLine } from '../../../shared/contract.ts';

/** Filters for `getLogs`; lines come in seq order. */
export interface LogQuery {
  /** Only lines of this attempt number (1-based). */
  attempt?: number;
  /** Only lines after this seq (for paging and live tails). */
  afterSeq?: number;
  limit?: number;
}

/** Settings of an open store. */
export interface RunStoreOptions {
  /** How long a statement waits for another connection's lock before DPROC_E_STORE_LOCKED. Default 5,000 ms. */
  busyTimeoutMs?: number;
  /** Replaces the default same-host `process.kill(pid, 0)` check. */
  isOwnerAlive?: OwnerLivenessCheck;
}
