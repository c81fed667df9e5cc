import { workerEntries } from '../worker/entries.ts';
import type { AttemptHooks, AttemptRequest, Executor } from './executor.ts';
import { PoolsByMemoryLimit } from './keyed-pools.ts';
import { defaultRetireAboveHeapMb, RecyclingThreadPool } from './thread-pool.ts';

/** Tuning for ThreadExecutor; the defaults suit the engine. */
export interface ThreadExecutorOptions {
  /**
   * A thread is replaced after this many attempts (default 5,000). 1: every attempt runs in a thread no
   * other attempt has used (started ahead as spares), at the price of loading and JIT-compiling the
   * processor's libraries again for every attempt.
   */
  attemptsPerThread?: number;
  /**
   * Single-use threads only (attemptsPerThread 1): started-but-unused threads kept beside the busy ones
   * (default: concurrency, at most 4), no more than the coordinator forecasts (expect()).
   */
  spares?: number;
  /** A reused thread is also replaced once its heap after an attempt (and a full collection) is above this (MB). */
  retireAboveHeapMb?: number;
  /** How long an aborted attempt may react to ctx.signal before its thread is terminated (default 250 ms). */
  abortGraceMs?: number;
  /** Piscina entry file (default: workerEntries().thread). */
  entry?: URL;
}

/**
 * Attempts per thread. Lower than `pooled`'s 20,000: what the global reset cannot see (a replaced method
 * of a rarely patched built-in, state deep inside one) is bounded by this too. A replacement costs
 * ~140 ms of CPU, so at 5,000 it is ~28 µs per attempt.
 */
const DEFAULT_ATTEMPTS_PER_THREAD = 5_000;

/**
 * Isolation `thread`: attempts run on reused worker threads, and after every attempt the thread is put
 * back as it started: a fresh instance of the processor and its local modules, timers cleared, and
 * globalThis, the built-ins, process.env and process listeners restored (worker/attempt-reset.ts, as in
 * `process`). Packages in node_modules stay loaded and JIT-warm, shared by the attempts of a thread. A
 * throw, hang, heap exhaustion or process.exit only takes down its own attempt's thread.
 * (It used to mean a fresh thread per attempt, which reloaded and re-JITted every library per region:
 * slower than a plain loop on real work. `attemptsPerThread: 1` still gives that.)
 * Heap containment is Node's and best-effort: some allocation shapes (one giant array or string grown
 * past the limit) can still abort the whole process (nodejs/node#47224); `process` isolation is the
 * boundary for those, and for native crashes.
 */
export class ThreadExecutor implements Executor {
  readonly kind = 'thread' as const;
  readonly #pools: PoolsByMemoryLimit;

  constructor(concurrency: number, options: ThreadExecutorOptions = {}) {
    const attemptsPerThread = options.attemptsPerThread ?? DEFAULT_ATTEMPTS_PER_THREAD;
    const singleUse = attemptsPerThread === 1;
    // More spares than cores would not boot threads any faster: start-up is CPU-bound.
    const spares = singleUse ? (options.spares ?? Math.min(concurrency, 4)) : 0;
    const entry = options.entry ?? workerEntries().thread;
    const abortGraceMs = options.abortGraceMs ?? 250;
    this.#pools = new PoolsByMemoryLimit(
      (memoryLimitMb) =>
        new RecyclingThreadPool({
          entry,
          threads: concurrency + spares,
          spares,
          attemptsPerThread,
          // As in `pooled`: above the bound, the heap is measured after a full collection (thread-entry).
          retireAboveHeapMb: singleUse ? Infinity : (options.retireAboveHeapMb ?? defaultRetireAboveHeapMb(memoryLimitMb)),
          resetGlobals: true,
          memoryLimitMb,
          abortGraceMs,
        }),
    );
  }

  /** Runs one attempt on a thread that is as it started. */
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
