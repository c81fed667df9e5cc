import { workerEntries } from '../worker/entries.ts';
import { cancelled, interrupted } from './attempt-errors.ts';
import { runInChild, type ChildAttempt } from './child-attempt.ts';
import { ChildLauncher } from './child-launcher.ts';
import type { AttemptHooks, AttemptRequest, Executor } from './executor.ts';
import { keepAliveWhile } from './keep-alive.ts';

/** Tuning for ProcessExecutor; the defaults suit the engine. */
export interface ProcessExecutorOptions {
  /** Started-but-unused children kept per memory limit in use (default: concurrency, at most 4; no more than forecast). */
  spares?: number;
  /** How long an aborted attempt may react to ctx.signal before its child is SIGKILLed (default 250 ms). */
  abortGraceMs?: number;
  /** Child entry file (default: workerEntries().child). */
  entry?: URL;
}

/**
 * Isolation `process`: every attempt runs in its own child process (same Node binary, heap limit from
 * the attempt), so besides everything `thread` contains it also contains native crashes (SIGSEGV,
 * abort()) and process-wide memory exhaustion. Children are forked ahead (spares) to hide Node's start-up.
 */
export class ProcessExecutor implements Executor {
  readonly kind = 'process' as const;
  readonly #launcher: ChildLauncher;
  readonly #abortGraceMs: number;
  readonly #running = new Set<ChildAttempt>();
  #closed = false;

  constructor(concurrency: number, options: ProcessExecutorOptions = {}) {
    this.#launcher = new ChildLauncher({
      entry: options.entry ?? workerEntries().child,
      spares: options.spares ?? Math.min(concurrency, 4),
    });
    this.#abortGraceMs = options.abortGraceMs ?? 250;
  }

  /** Runs one attempt in a child process of its own. */
  execute(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(interrupted(request));
    if (hooks.signal.aborted) return Promise.reject(cancelled(request, hooks.signal.reason));
    const attempt = runInChild(this.#launcher.take(request.memoryLimitMb), request, hooks, {
      abortGraceMs: this.#abortGraceMs,
    });
    this.#running.add(attempt);
    void attempt.exited.then(() => this.#running.delete(attempt));
    return attempt.result;
  }

  /** Forks no more spare children than `upcoming` attempts (see Executor.expect). */
  expect(upcoming: number): void {
    this.#launcher.expect(upcoming);
  }

  /** Kills every child (spares and running ones) and waits for them; running attempts reject with DPROC_E_INTERRUPTED. */
  async close(): Promise<void> {
    this.#closed = true;
    const spares = this.#launcher.close();
    const running = [...this.#running];
    for (const attempt of running) attempt.interrupt();
    await keepAliveWhile(Promise.all([spares, ...running.map((attempt) => attempt.exited)]));
  }
}
