import type { ErrorInfo } from './errors.ts';
import type { JobPlan } from './job-schema.ts';
import type { OnFailurePolicy, RunState } from './states.ts';
import type { WorkerRef } from './workers.ts';

/** Options a run was started with (job-file values after CLI/UI overrides). */
export interface RunOptions {
  concurrency: number;
  onFailure: OnFailurePolicy;
}

/** Who asked for a manual control: a person, or the failure policy. */
export type Actor = 'user' | 'policy';

/**
 * Every change to a run, as appended to its journal. `at` is epoch milliseconds.
 * Readonly discriminated union: the same objects cross threads, IPC and the WebSocket.
 */
export type RunEvent = Readonly<
  | { type: 'run.created'; at: number; runId: string; plan: JobPlan; options: RunOptions }
  | { type: 'run.started'; at: number; pid: number; host: string; resumed: boolean }
  | { type: 'run.state'; at: number; state: Exclude<RunState, 'INTERRUPTED'> }
  | { type: 'task.queued'; at: number; taskId: string }
  | { type: 'attempt.started'; at: number; taskId: string; attemptId: string; attempt: number; slot: number }
  /** A remote worker took the attempt (redis backend); local attempts have none. */
  | { type: 'attempt.worker'; at: number; taskId: string; attemptId: string; worker: WorkerRef }
  | { type: 'task.progress'; at: number; taskId: string; done: number; total?: number; message?: string }
  | { type: 'task.log'; at: number; taskId: string; attempt: number; stream: LogStream; text: string }
  | { type: 'attempt.succeeded'; at: number; taskId: string; attemptId: string }
  | { type: 'attempt.failed'; at: number; taskId: string; attemptId: string; error: ErrorInfo; retryAt?: number }
  | { type: 'attempt.interrupted'; at: number; taskId: string; attemptId: string }
  | { type: 'task.skipped'; at: number; taskId: string; by: Actor }
  | { type: 'task.upstream_failed'; at: number; taskId: string; upstream: string }
  | { type: 'task.cancelled'; at: number; taskId: string }
  | { type: 'task.reset'; at: number; taskId: string; by: Actor | 'resume' }
>;

export type LogStream = 'log' | 'stdout' | 'stderr';
export type RunEventType = RunEvent['type'];

/** An event as stored: its position in the run's journal (1-based, gap-free). */
export type JournaledEvent = RunEvent & { readonly seq: number };

/** What a subscriber receives: events already committed to the journal, in order. */
export interface EventBatch {
  runId: string;
  /** seq of the last event in the batch; a receiver that sees a gap asks for a snapshot. */
  seq: number;
  /**
   * First journal seq this batch accounts for. Set by the UI carriers, which coalesce progress: seqs in
   * [fromSeq, seq] that are not in `events` were `task.progress` events superseded by a later one in the
   * same batch, so folding what is there gives the same state. Rule for a receiver whose snapshot has seq S:
   * accept the batch iff `fromSeq <= S + 1`, then fold the events with seq > S in order (their seqs increase
   * but may skip); if `fromSeq > S + 1`, events were lost: fetch a snapshot. Absent (the coordinator's own
   * batches) it equals `events[0].seq` and the events are gap-free.
   */
  fromSeq?: number;
  events: JournaledEvent[];
}
