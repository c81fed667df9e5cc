import { workerEntries } from '../worker/entries.ts';
import type { AttemptHooks, AttemptRequest, Executor } from './executor.ts';
import { PoolsByMemoryLimit } from './keyed-pools.ts';
import { RecyclingThreadPool } from './thread-pool.ts';

/** Tuning for ThreadExecutor; the defaults suit the engine. */
export interface ThreadExecutorOptions {
  /**
   * Started-but-unused threads kept beside the busy ones (default: concurrency, at most 4), so an attempt
   * rarely waits for a thread to boot; no more than the coordinator forecasts (expect()).
   */
  spares?: number;
  /** How long an aborted attempt may react to ctx.signal before its thread is terminated (default 250 ms). */
  abortGraceMs?: number;
  /** Piscina entry file (default: workerEntries().thread). */
  entry?: URL;
}

/**
 * Isolation `thread` (the default): every attempt runs in a worker thread no other attempt has used, so
 * it gets fresh module state and a fresh globalThis, and a throw, hang, heap exhaustion or process.exit
 * only takes down its own thread. Threads are started ahead (spares, as many as attempts are forecast)
 * and terminated after one attempt.
 * Heap containment is Node's and best-effort: some allocation shapes (one giant array or string grown
 * past the limit) can still abort the whole process (nodejs/node#47224); `process` isolation is the
 * boundary for those, and for native crashes.
 */
export class ThreadExecutor implements Executor {
  readonly kind = 'thread' as const;
  readonly #pools: PoolsByMemoryLimit;

  constructor(concurrency: number, options: ThreadExecutorOptions = {}) {
    // More spares than cores would not boot threads any faster: start-up is CPU-bound.
    const spares = options.spares ?? Math.min(concurrency, 4);
    const threads = concurrency + spares;
    const entry = options.entry ?? workerEntries().thread;
    const abortGraceMs = options.abortGraceMs ?? 250;
    this.#pools = new PoolsByMemoryLimit(
      (memoryLimitMb) =>
        new RecyclingThreadPool({ entry, threads, spares, attemptsPerThread: 1, retireAboveHeapMb: Infinity, memoryLimitMb, abortGraceMs }),
    );
  }

  /** Runs one attempt in a fresh thread. */
  execute(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array> {
    return this.#pools.run(request, hooks);
  }

  /** Starts no more spare threads than `upcoming` attempts (see Executor.expect). */
  expect(upcoming: number, memoryLimitMb?: number): void {
    this.#pools.expect(upcoming, memoryLimitMb);
  }

  /** Terminates every thread; pending attempts reject with DPROC_E_INTERRUPTED. */
  close(): Promise<void> {
    return this.#pools.close();
  }
}
