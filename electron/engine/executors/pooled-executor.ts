import { workerEntries } from '../worker/entries.ts';
import type { AttemptHooks, AttemptRequest, Executor } from './executor.ts';
import { PoolsByMemoryLimit } from './keyed-pools.ts';
import { defaultRetireAboveHeapMb, RecyclingThreadPool } from './thread-pool.ts';

/** Tuning for PooledExecutor; the defaults suit the engine. */
export interface PooledExecutorOptions {
  /** A thread is replaced after this many attempts (default 20,000). */
  attemptsPerThread?: number;
  /**
   * A thread is also replaced as soon as its heap after an attempt is above this many MB (default: half
   * the attempt's memory limit, at most 96). Above it, the thread runs a full collection first and
   * reports what is left: a region that parses its data holds more than 96 MB of garbage until the next
   * collection (272,727 parsed rows: ~150 MB), which otherwise retired the thread after nearly every
   * attempt and threw its warm JIT away.
   */
  retireAboveHeapMb?: number;
  /**
   * Extra threads kept started beside `concurrency` (default 0), so that replacing a thread does not
   * stall an attempt. Replacements are rare (every 20,000 attempts, or after a killed attempt) and a
   * spare costs ~30 MB and a thread start-up, so by default an attempt waits for the replacement instead.
   */
  spares?: number;
  /** How long an aborted attempt may react to ctx.signal before its thread is terminated (default 250 ms). */
  abortGraceMs?: number;
  /** Piscina entry file (default: workerEntries().thread). */
  entry?: URL;
}

/** Attempts per pooled thread. Replacing a thread costs ~140 ms of CPU here (start-up, JIT warm-up): at
 * 5,000 that was 28 µs per no-op attempt (12,400 vs 14,800 attempts/s through the executor alone). A fresh
 * processor instance is a function call that leaves nothing behind, so what a thread accumulates is only
 * what processors leak (globals, timers); the heap guard retires a thread as soon as that gets big. */
const DEFAULT_ATTEMPTS_PER_THREAD = 20_000;

/**
 * Isolation `pooled`: attempts run on reused piscina threads, for throughput. Each attempt gets a fresh
 * instance of its processor's own modules (the processor and the local files it imports; see
 * worker/attempt-reset.ts), and the timers it left running are cleared; but NOT globalThis, the built-ins
 * or process.env: what an attempt puts there is visible to later attempts on the same thread (`process`
 * resets those too). A thread is retired after `attemptsPerThread` attempts or when its heap grows past
 * `retireAboveHeapMb`, which bounds both memory and leaked state. A throw, hang, heap exhaustion or
 * process.exit still only fails its own attempt.
 */
export class PooledExecutor implements Executor {
  readonly kind = 'pooled' as const;
  readonly #pools: PoolsByMemoryLimit;

  constructor(concurrency: number, options: PooledExecutorOptions = {}) {
    const threads = concurrency + (options.spares ?? 0);
    const attemptsPerThread = options.attemptsPerThread ?? DEFAULT_ATTEMPTS_PER_THREAD;
    const entry = options.entry ?? workerEntries().thread;
    const abortGraceMs = options.abortGraceMs ?? 250;
    this.#pools = new PoolsByMemoryLimit(
      (memoryLimitMb) =>
        new RecyclingThreadPool({
          entry,
          threads,
          attemptsPerThread,
          retireAboveHeapMb: options.retireAboveHeapMb ?? defaultRetireAboveHeapMb(memoryLimitMb),
          memoryLimitMb,
          abortGraceMs,
        }),
    );
  }

  /** Runs one attempt on a pooled thread. */
  execute(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array> {
    return this.#pools.run(request, hooks);
  }

  /** Terminates every thread; pending attempts reject with DPROC_E_INTERRUPTED. */
  close(): Promise<void> {
    return this.#pools.close();
  }
}
