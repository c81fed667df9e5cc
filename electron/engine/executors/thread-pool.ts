import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DprocError, ERROR_CODES } from '../../../shared/errors.ts';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { isSideBatch, type AbortNotice, type ThreadOutcome, type ThreadWorkerData, type WorkerTask } from '../worker/protocol.ts';
import { cancelled, describeReason, fromThreadFailure, fromWire, interrupted } from './attempt-errors.ts';
import { AttemptRouter } from './attempt-router.ts';
import type { AttemptHooks, AttemptRequest } from './executor.ts';
import { BootThrottle } from './boot-throttle.ts';
import { keepAliveWhile } from './keep-alive.ts';
import { onceAfterTurn } from './once-after-turn.ts';
import { SpareTarget } from './spare-target.ts';
import { reusedWorkerEnv, workerEnv } from './worker-env.ts';

/** How one pool of worker threads is sized and recycled. */
export interface ThreadPoolOptions {
  /** Piscina entry file (see worker/entries.ts). */
  entry: URL;
  /** Most threads alive at once: the executor's concurrency plus its spares. A reused pool keeps them all started. */
  threads: number;
  /**
   * Single-use pools (attemptsPerThread 1): fresh threads started ahead of attempts, at most this many,
   * and no more than the coordinator's forecast (expect()). Default 0.
   */
  spares?: number;
  /** A thread is retired after this many attempts (1: a fresh thread for every attempt). */
  attemptsPerThread: number;
  /** A thread is also retired once its heap, after an attempt, is above this (MB): big modules leak faster. */
  retireAboveHeapMb: number;
  /** A reused thread puts back globalThis, the built-ins, process.env and process listeners after each attempt. */
  resetGlobals?: boolean;
  /** Heap limit of every thread in the pool (resourceLimits are per Worker, so per pool). */
  memoryLimitMb: number;
  /** How long an aborted attempt may run on to react to ctx.signal before its thread is terminated. */
  abortGraceMs: number;
}

/**
 * Young-generation cap for a thread. When a thread reaches its heap limit, Node grants it 16 MB of
 * leeway to finish the GC and then terminates it; by default the young generation is as big as the old
 * one (48 MB for a 48 MB limit), and promoting a full one overshoots that leeway: V8 then aborts the
 * whole process (measured here: about half the runs of exhausts-memory.mjs at 48 MB; none of 30 with this cap).
 * A quarter of the limit stays safe (12 runs at 128 MB with 32, 10 at 256 MB with 64, 3 at 2,048 MB: all
 * clean OOMs). Up to 64 MB, because a small young generation costs real work dearly: parsing regions
 * promote what a bigger nursery would have let die (a pooled flights region: ~510 ms CPU at 16 MB, ~370 at 48-128).
 */
function youngGenerationMb(memoryLimitMb: number): number {
  return Math.min(64, Math.max(2, Math.floor(memoryLimitMb / 4)));
}

/**
 * The heap (MB, after a full collection) above which a reused thread is retired by default: half its
 * limit, at most 96. Bounds what attempts leak; see PooledExecutorOptions.retireAboveHeapMb for why the
 * collection comes first.
 */
export function defaultRetireAboveHeapMb(memoryLimitMb: number): number {
  return Math.min(memoryLimitMb / 2, 96);
}

/**
 * Threads a pool starts at once. A bigger pool starts the rest as attempts need them, this many at a
 * time (see BootThrottle): a thread takes ~50 ms of CPU to boot, and more at once only slows them all.
 */
const BOOT_AT_ONCE = Math.max(4, 2 * availableParallelism());

/** A task that only makes piscina start a thread; it never reaches one. */
interface WarmUp {
  readonly warmUp: true;
}

/** The part of piscina's worker handle our load balancer reads. */
interface BalancedWorker {
  readonly id: number;
  readonly currentUsage: number;
  readonly terminating: boolean;
  readonly destroyed: boolean;
}

/**
 * Rides on the task object under piscina's queue-options symbol (structured clone skips symbol keys, so
 * it never reaches the thread) and tells the pool whether the attempt has been handed to a thread yet.
 */
interface DispatchTag {
  dispatched: boolean;
  /** A warm-up: never handed to a thread, it only makes piscina start one (see #rebalance). */
  warmUp?: true;
}

function tagOf(task: object): DispatchTag | undefined {
  return (task as Record<symbol, DispatchTag | undefined>)[Piscina.queueOptionsSymbol];
}

/** What the pool knows of one of its threads. */
interface ThreadState {
  /** Attempts handed to the thread so far. */
  dispatched: number;
  /** Attempts handed to it whose outcome has not come back. */
  inFlight: number;
  /** No more attempts for this thread; it is terminated once idle. */
  retiring: boolean;
}

/**
 * A piscina pool whose threads each run at most `attemptsPerThread` attempts (or fewer, when their heap
 * fills up), then are terminated. Quotas are enforced by our load balancer at dispatch time, so a thread
 * that reached its quota is never handed another attempt while it waits to be terminated: with a quota
 * of 1, no two attempts ever share a thread.
 *
 * A reused pool keeps `threads` started (piscina replaces a terminated one). A single-use pool starts
 * threads on demand instead: one per attempt that finds no fresh thread, plus up to `spares` fresh ones
 * ahead, as many as attempts are forecast to come (expect()). Piscina starts a thread only for a task
 * it cannot place, so a spare is started by submitting a warm-up task that the balancer never places,
 * then withdrawing it.
 */
export class RecyclingThreadPool {
  readonly #options: ThreadPoolOptions;
  readonly #pool: Piscina<WorkerTask | WarmUp, ThreadOutcome>;
  readonly #router = new AttemptRouter();
  readonly #threads = new Map<number, ThreadState>();
  readonly #abortChannel: BroadcastChannel;
  readonly #throttle: BootThrottle;
  /** Interrupts for attempts not yet settled, used by close(). */
  readonly #pending = new Map<string, () => void>();
  readonly #singleUse: boolean;
  readonly #spares: SpareTarget;
  /** Attempts handed to piscina that no thread has taken yet. */
  #waiting = 0;
  readonly #scheduleRebalance = onceAfterTurn(() => this.#rebalance());
  #closed = false;

  constructor(options: ThreadPoolOptions) {
    // Piscina stops replacing threads whose entry cannot load, and queued attempts then wait forever:
    // refuse a missing entry up front, so every attempt fails at once with a clear error instead.
    if (options.entry.protocol === 'file:' && !existsSync(fileURLToPath(options.entry))) {
      throw new DprocError(ERROR_CODES.WORKER_CRASHED, `the worker entry file does not exist: ${fileURLToPath(options.entry)}`);
    }
    this.#options = options;
    const reused = options.attemptsPerThread > 1;
    const workerData: ThreadWorkerData = {
      abortChannel: `dproc-abort-${randomUUID()}`,
      reused,
      resetGlobals: reused && options.resetGlobals === true,
      retireAboveHeapMb: options.retireAboveHeapMb,
    };
    this.#abortChannel = new BroadcastChannel(workerData.abortChannel);
    this.#abortChannel.unref();
    const gradual = options.threads > BOOT_AT_ONCE;
    this.#throttle = new BootThrottle(gradual ? BOOT_AT_ONCE : Infinity);
    this.#singleUse = options.attemptsPerThread === 1;
    this.#spares = new SpareTarget(this.#singleUse ? (options.spares ?? 0) : 0);
    this.#pool = new Piscina({
      filename: options.entry.href,
      // Single-use: no thread is started or replaced but on demand (#rebalance).
      minThreads: this.#singleUse ? 0 : gradual ? BOOT_AT_ONCE : options.threads,
      maxThreads: options.threads,
      // A started thread stays (piscina would otherwise end idle threads above minThreads).
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 1,
      resourceLimits: {
        maxOldGenerationSizeMb: options.memoryLimitMb,
        maxYoungGenerationSizeMb: youngGenerationMb(options.memoryLimitMb),
      },
      workerData,
      // A reused thread makes fresh processor instances under new module URLs: no compile cache there.
      env: reused ? reusedWorkerEnv() : workerEnv(),
      loadBalancer: (task, workers) => this.#pick(task, workers),
      recordTiming: false,
      // Idle threads wait on their event loop, not in Atomics.wait. The coordinator keeps only
      // `concurrency` attempts in flight, so a thread idles between every two attempts; waking it from
      // Atomics.wait cost more: 10,500-11,700 vs 11,800-12,400 no-op tasks/s through the engine here
      // (raw piscina fed 2 at a time: 21,700-26,400 vs 29,000-37,000).
      atomics: 'disabled',
    });
    this.#pool.on('message', (message: unknown) => {
      if (isSideBatch(message)) this.#router.deliver(message);
    });
    // Emitted when a thread dies with no attempt on it (a stray callback of an earlier pooled attempt
    // threw while idle). Piscina already replaces the thread and no attempt is affected; without a
    // listener, this event would crash the coordinator.
    this.#pool.on('error', () => {});
    // Piscina announces a thread when it is ready (the first BOOT_AT_ONCE at once, as it starts them).
    this.#pool.on('workerCreate', () => this.#throttle.threadReady());
    // The handle's id (its threadId) already reads -1 here when the thread has exited: #rebalance
    // drops what is known of gone threads by looking at the ones alive.
    this.#pool.on('workerDestroy', () => {
      this.#throttle.threadGone();
      this.#scheduleRebalance();
    });
  }

  /** The coordinator's forecast of attempts about to start here: spares beyond it are not started. */
  expect(upcoming: number): void {
    if (this.#spares.expect(upcoming)) this.#scheduleRebalance();
  }

  /** Runs one attempt on a thread of this pool. */
  run(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(interrupted(request));
    if (hooks.signal.aborted) return Promise.reject(cancelled(request, hooks.signal.reason));
    let resolve!: (output: Uint8Array) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<Uint8Array>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const id = request.attemptId;
    // Aborting `kill` makes piscina terminate the thread (or unqueue the task): used after the grace.
    const kill = new AbortController();
    let grace: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      this.#pending.delete(id);
      hooks.signal.removeEventListener('abort', onAbort);
      return true;
    };
    const tag: DispatchTag = { dispatched: false };
    let withdraw = (): boolean => false;
    const onAbort = (): void => {
      if (!settle()) return;
      this.#router.drop(id);
      reject(cancelled(request, hooks.signal.reason));
      // Still queued (here or in piscina): unqueue it now, so a cancelled attempt never starts.
      if (!tag.dispatched) return void (withdraw() || kill.abort());
      // Running: tell ctx.signal, then terminate the thread if the processor has not stopped by itself.
      const notice: AbortNotice = { attemptId: id, reason: describeReason(hooks.signal.reason) };
      this.#abortChannel.postMessage(notice);
      grace = setTimeout(() => kill.abort(), this.#options.abortGraceMs);
    };
    hooks.signal.addEventListener('abort', onAbort, { once: true });
    // On close: the pool's destroy() terminates the thread (aborting `kill` would start a replacement).
    this.#pending.set(id, () => {
      if (!settle()) return;
      this.#router.drop(id);
      reject(interrupted(request));
    });
    this.#router.register(id, hooks);

    const submit = (): void => {
      this.#waiting++;
      if (this.#singleUse) this.#scheduleRebalance();
      void this.#pool.run({ ...request, [Piscina.queueOptionsSymbol]: tag }, { signal: kill.signal }).then(
        (outcome) => {
          this.#throttle.left();
          clearTimeout(grace);
          const end = (): void => {
            this.#afterAttempt(outcome);
            if (!settle()) return;
            if (outcome.ok) resolve(outcome.output);
            else reject(fromWire(outcome.error, request));
          };
          if (settled) return this.#afterAttempt(outcome);
          const delivering = this.#router.complete(id, outcome.tail, outcome.sent);
          if (delivering) void delivering.then(end);
          else end();
        },
        (err: unknown) => {
          // Unqueued before any thread took it (cancelled, or the pool closed).
          if (!tag.dispatched) this.#waiting--;
          this.#throttle.left();
          clearTimeout(grace);
          if (!settle()) return;
          this.#router.drop(id);
          reject(fromThreadFailure(err, request));
        },
      );
    };
    withdraw = this.#throttle.admit(submit);
    return promise;
  }

  /** Terminates every thread; attempts still pending or running reject with DPROC_E_INTERRUPTED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const interrupt of [...this.#pending.values()]) interrupt();
    this.#throttle.close();
    this.#abortChannel.close();
    await keepAliveWhile(this.#pool.destroy());
  }

  // Load balancer: an idle thread still under its quota. Counting here, at dispatch, is what makes the
  // quota exact: piscina hands a queued task to a thread synchronously when its previous task ends,
  // before any of our code could terminate that thread.
  #pick<W extends BalancedWorker>(task: object, workers: W[]): W | null {
    const tag = tagOf(task);
    if (tag?.warmUp) return null;
    for (const worker of workers) {
      if (worker.currentUsage !== 0 || worker.terminating || worker.destroyed) continue;
      let state = this.#threads.get(worker.id);
      if (!state) {
        state = { dispatched: 0, inFlight: 0, retiring: false };
        this.#threads.set(worker.id, state);
      }
      if (state.retiring) continue;
      state.dispatched++;
      state.inFlight++;
      if (state.dispatched >= this.#options.attemptsPerThread) state.retiring = true;
      if (tag) tag.dispatched = true;
      this.#waiting--;
      return worker;
    }
    return null;
  }

  // Keeps fresh threads (started or starting, never handed an attempt) for the attempts waiting in
  // piscina's queue plus the spares wanted, within the pool's size. Piscina starts a thread, at once,
  // for a task that no thread takes while it has room; a warm-up is such a task (the balancer never
  // places it), withdrawn right after so that it never blocks the queue. Without this, with no minimum
  // of threads, nothing would start one for an attempt that arrived while the pool was full.
  #rebalance(): void {
    if (this.#closed) return;
    const threads = this.#pool.threads;
    const live = new Set(threads.map((thread) => thread.threadId));
    for (const id of this.#threads.keys()) if (!live.has(id)) this.#threads.delete(id);
    if (!this.#singleUse) return;
    const alive = threads.length;
    // Every thread known in #threads has been handed an attempt.
    const fresh = alive - this.#threads.size;
    const missing = Math.min(this.#waiting + this.#spares.wanted - fresh, this.#options.threads - alive);
    for (let i = 0; i < missing; i++) {
      const withdraw = new AbortController();
      const warmUp = { warmUp: true, [Piscina.queueOptionsSymbol]: { dispatched: false, warmUp: true } satisfies DispatchTag } as const;
      this.#pool.run(warmUp, { signal: withdraw.signal }).catch(() => {});
      withdraw.abort();
    }
  }

  #afterAttempt(outcome: ThreadOutcome): void {
    const state = this.#threads.get(outcome.threadId);
    if (!state) return;
    state.inFlight--;
    if (outcome.heapUsedMb > this.#options.retireAboveHeapMb) state.retiring = true;
    if (!state.retiring || state.inFlight > 0) return;
    // Terminating a thread directly makes piscina drop it and start a replacement.
    void this.#pool.threads.find((thread) => thread.threadId === outcome.threadId)?.terminate();
  }
}
