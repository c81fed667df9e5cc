import { workerEntries } from '../worker/entries.ts';
import { ChildPool } from './child-pool.ts';
import type { AttemptHooks, AttemptRequest, Executor } from './executor.ts';
import { PoolsByMemoryLimit } from './keyed-pools.ts';
import { reusedWorkerEnv, workerEnv } from './worker-env.ts';

/** Tuning for ProcessExecutor; the defaults suit the engine. */
export interface ProcessExecutorOptions {
  /** Attempts per child before it is replaced (default 20,000; 1 = a new process for every attempt). */
  attemptsPerChild?: number;
  /** Single-use children (attemptsPerChild 1) forked ahead, per heap limit (default: concurrency, at most 4; no more than forecast). */
  spares?: number;
  /** How long an aborted attempt may react to ctx.signal before its child is SIGKILLed (default 250 ms). */
  abortGraceMs?: number;
  /** Child entry file (default: workerEntries().child). */
  entry?: URL;
}

/**
 * Attempts per child. A reused child is reset after every attempt (worker/attempt-reset.ts) and retires
 * early when it cannot be, or when fresh instances have left too many modules behind; this bounds what
 * leaks past that (a package's caches), as in a pooled thread.
 */
const DEFAULT_ATTEMPTS_PER_CHILD = 20_000;

/**
 * Isolation `process` (the default): attempts run in child processes (same Node binary, heap limit
 * from the attempt), kept started and reused, one attempt at a time each. Each attempt gets fresh
 * instances of the processor's own modules and finds globalThis, the built-ins and process.env as the
 * child started with them (worker/attempt-reset.ts); packages from node_modules stay loaded and warm.
 * A child is a crash boundary: a native crash, process-wide memory exhaustion or process.exit ends only
 * that child and fails only its attempt. Two children scale like two plain processes, which two threads
 * of one process do not on allocation-heavy work.
 */
export class ProcessExecutor implements Executor {
  readonly kind = 'process' as const;
  readonly #pools: PoolsByMemoryLimit;

  constructor(concurrency: number, options: ProcessExecutorOptions = {}) {
    const attemptsPerChild = options.attemptsPerChild ?? DEFAULT_ATTEMPTS_PER_CHILD;
    const entry = options.entry ?? workerEntries().child;
    this.#pools = new PoolsByMemoryLimit(
      (memoryLimitMb) =>
        new ChildPool({
          entry,
          memoryLimitMb,
          size: concurrency,
          attemptsPerChild,
          spares: options.spares ?? Math.min(concurrency, 4),
          abortGraceMs: options.abortGraceMs ?? 250,
          env: attemptsPerChild > 1 ? reusedWorkerEnv : workerEnv,
        }),
    );
  }

  /** Runs one attempt on a child process. */
  execute(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array> {
    return this.#pools.run(request, hooks);
  }

  /** Starts children ahead for no more than `upcoming` attempts (see Executor.expect). */
  expect(upcoming: number, memoryLimitMb?: number): void {
    this.#pools.expect(upcoming, memoryLimitMb);
  }

  /** Kills every child and waits for them; running attempts reject with DPROC_E_INTERRUPTED. */
  close(): Promise<void> {
    return this.#pools.close();
  }
}
