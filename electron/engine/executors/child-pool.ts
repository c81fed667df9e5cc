import { cancelled, interrupted } from './attempt-errors.ts';
import { ChildWorker } from './child-worker.ts';
import type { AttemptHooks, AttemptRequest } from './executor.ts';
import type { AttemptPool } from './keyed-pools.ts';
import { keepAliveWhile } from './keep-alive.ts';

/** How one pool of child processes (one heap limit) is sized and recycled. */
export interface ChildPoolOptions {
  entry: URL;
  memoryLimitMb: number;
  /** Most children running attempts at once: the executor's concurrency. */
  size: number;
  /**
   * Attempts per child before it is replaced (1: a fresh process per attempt). A reused child resets
   * its state between attempts (worker/attempt-reset.ts) and retires early when it cannot.
   */
  attemptsPerChild: number;
  /** Single-use children started ahead of need, at most this many and no more than forecast. */
  spares: number;
  abortGraceMs: number;
  env: () => NodeJS.ProcessEnv;
}

/** An attempt waiting for a child. */
interface Waiting {
  request: AttemptRequest;
  hooks: AttemptHooks;
  resolve(output: Uint8Array): void;
  reject(error: Error): void;
  onAbort(): void;
}

/**
 * Child processes for attempts of one heap limit. Reused (attemptsPerChild > 1): up to `size` children
 * stay started between attempts, so an attempt costs an IPC round trip instead of a Node start-up, and
 * libraries stay loaded and JIT-warm. Single-use: each attempt gets a new child, with spares forked
 * ahead. Either way a child that dies (crash, OOM, process.exit, a kill after a timeout) fails only its
 * own attempt and is replaced.
 */
export class ChildPool implements AttemptPool {
  readonly #options: ChildPoolOptions;
  readonly #reused: boolean;
  /** Started children not running an attempt (for single-use pools: spares). */
  readonly #idle: ChildWorker[] = [];
  /** Children running an attempt. */
  readonly #busy = new Set<ChildWorker>();
  readonly #waiting: Waiting[] = [];
  #upcoming = Infinity;
  #closed = false;

  constructor(options: ChildPoolOptions) {
    this.#options = options;
    this.#reused = options.attemptsPerChild > 1;
  }

  /** Runs one attempt on a child of this pool (queued while all `size` children are busy). */
  run(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(interrupted(request));
    if (hooks.signal.aborted) return Promise.reject(cancelled(request, hooks.signal.reason));
    return new Promise<Uint8Array>((resolve, reject) => {
      // Cancelled while it waits for a child: it never starts.
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(waiting);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(cancelled(request, hooks.signal.reason));
      };
      const waiting: Waiting = { request, hooks, resolve, reject, onAbort };
      hooks.signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiting);
      this.#dispatch();
    });
  }

  /** The coordinator's forecast of attempts about to start: children are started ahead for them only. */
  expect(upcoming: number): void {
    this.#upcoming = Math.max(0, upcoming);
    this.#topUp();
  }

  /** Kills every child; attempts running or waiting reject with DPROC_E_INTERRUPTED. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiting of this.#waiting.splice(0)) waiting.reject(interrupted(waiting.request));
    const children = [...this.#idle.splice(0), ...this.#busy];
    for (const child of children) child.kill();
    await keepAliveWhile(Promise.all(children.map((child) => child.exited)));
  }

  #dispatch(): void {
    while (!this.#closed && this.#waiting.length > 0 && this.#busy.size < this.#options.size) {
      const waiting = this.#waiting.shift()!;
      waiting.hooks.signal.removeEventListener('abort', waiting.onAbort);
      // It was one of the attempts forecast: no worker is started ahead for it again (the coordinator's
      // next forecast, sent after the dispatch, would come too late to stop that).
      if (this.#upcoming !== Infinity && this.#upcoming > 0) this.#upcoming--;
      const child = this.#takeIdle() ?? this.#start();
      this.#busy.add(child);
      child.setRef(true);
      child.run(waiting.request, waiting.hooks, ({ reusable }) => this.#ended(child, reusable)).then(waiting.resolve, waiting.reject);
    }
    this.#topUp();
  }

  #takeIdle(): ChildWorker | undefined {
    let child: ChildWorker | undefined;
    while ((child = this.#idle.shift()) !== undefined) {
      if (child.alive) return child;
      child.kill();
    }
    return undefined;
  }

  #ended(child: ChildWorker, reusable: boolean): void {
    this.#busy.delete(child);
    if (this.#closed) return void child.kill();
    if (reusable && child.alive && child.attempts < this.#options.attemptsPerChild) {
      child.setRef(false);
      this.#idle.push(child);
    } else if (child.alive && this.#reused) {
      child.kill();
    }
    this.#dispatch();
  }

  // Children started ahead: a reused pool starts up to `size` (as many as attempts are forecast), a
  // single-use pool keeps up to `spares` fresh ones (no more than forecast).
  #topUp(): void {
    if (this.#closed) return;
    const forecast = Math.min(this.#upcoming, Number.MAX_SAFE_INTEGER);
    const wanted = this.#reused
      ? Math.min(this.#options.size, this.#busy.size + forecast) - this.#busy.size
      : Math.min(this.#options.spares, forecast);
    for (let i = this.#idle.filter((c) => c.alive).length; i < wanted; i++) {
      const child = this.#start();
      child.setRef(false);
      this.#idle.push(child);
    }
  }

  #start(): ChildWorker {
    const child = new ChildWorker({
      entry: this.#options.entry,
      memoryLimitMb: this.#options.memoryLimitMb,
      reused: this.#reused,
      env: this.#options.env(),
      abortGraceMs: this.#options.abortGraceMs,
    });
    // An idle child that dies (killed from outside) is dropped from the idle list.
    void child.exited.then(() => {
      const at = this.#idle.indexOf(child);
      if (at >= 0) this.#idle.splice(at, 1);
    });
    return child;
  }
}
