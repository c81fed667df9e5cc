import type { PackedOutputs } from '../worker/packed-outputs.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import type { LogStream } from '../../../shared/events.ts';
import type { TaskProgress } from '../../../shared/snapshot.ts';
import type { IsolationLevel } from '../../../shared/states.ts';
import type { WorkerRef } from '../../../shared/workers.ts';

/** Everything a worker needs to run one attempt of one task. */
export interface AttemptRequest {
  runId: string;
  taskId: string;
  /** 1-based attempt number, as the processor sees it in ctx.attempt. */
  attempt: number;
  /** Unique id of this attempt; only the current attempt may complete a task. */
  attemptId: string;
  /** Absolute path of the processor module (.js, .mjs or .ts). */
  processor: string;
  input: unknown;
  /** Outputs of completed blockedBy tasks, as stored (v8-serialised), packed (absent when there are none). */
  upstream?: PackedOutputs;
  /** blockedBy tasks that were skipped, with their last error (null when they never failed). */
  missing: Record<string, ErrorInfo | null>;
  /** Heap limit of the worker that runs the attempt. */
  memoryLimitMb: number;
}

/** Callbacks from a running attempt back to the coordinator. */
export interface AttemptHooks {
  /** Fires on timeout or cancel: the executor must stop the attempt and reject. */
  signal: AbortSignal;
  onProgress(progress: TaskProgress): void;
  onLog(stream: LogStream, text: string): void;
  /** A remote worker took the attempt (the redis executor calls it; local executors never do). */
  onWorker?(worker: WorkerRef): void;
}

/**
 * Runs attempts at one isolation level. `execute` resolves with the attempt's output already
 * serialised with node:v8 (what the store keeps), or rejects with an error carrying a DPROC_E_* code.
 */
export interface Executor {
  readonly kind: IsolationLevel;
  execute(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array>;
  /**
   * A forecast from the coordinator: about this many queued attempts will start on this executor next.
   * An executor that starts workers ahead (spares) keeps at most that many warm, so the last attempts of
   * a run, or a small job on a big machine, do not pay for workers nobody uses. Without a forecast it
   * keeps all its spares. `memoryLimitMb`, when known (the run's first tasks, before anything is
   * dispatched), lets it start those workers at once, before the first attempt arrives.
   */
  expect?(upcoming: number, memoryLimitMb?: number): void;
  /** Stops every worker; pending attempts reject. */
  close(): Promise<void>;
}

/** Queued attempts about to start, per isolation level (absent: none). */
export type Forecast = Partial<Record<IsolationLevel, number>>;

/** Creates the executor for an isolation level, sized for `concurrency` attempts at once. */
export type ExecutorFactory = (kind: IsolationLevel, concurrency: number) => Executor;
