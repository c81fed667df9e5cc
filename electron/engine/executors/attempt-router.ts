import type { ReportBatch, SideBatch } from '../worker/protocol.ts';
import type { AttemptHooks } from './executor.ts';

interface Route {
  hooks: AttemptHooks;
  received: number;
  /** Set while an outcome waits for side batches still in flight. */
  waiting?: { sent: number; release: () => void };
}

/** How long an outcome waits for side batches that a dead channel will never deliver. */
const STRAGGLER_WAIT_MS = 2_000;

// A throwing hook is a coordinator bug; it must not take down the message loop that serves every attempt.
function callHook(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    process.emitWarning(`dproc: an attempt hook threw: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Hands a batch's log lines, then its progress, to an attempt's hooks (a throwing hook is reported, not fatal). */
export function deliverBatch(hooks: AttemptHooks, batch: ReportBatch): void {
  for (const [stream, text] of batch.logs) callHook(() => hooks.onLog(stream, text));
  if (batch.progress !== undefined) {
    const progress = batch.progress;
    callHook(() => hooks.onProgress(progress));
  }
}

/**
 * Routes progress/log batches from workers to the hooks of the attempt they belong to, and holds an
 * outcome back until every batch sent before it has arrived: side batches and outcomes travel on
 * different ports, whose relative order is not guaranteed. Batches for unknown (finished, aborted)
 * attempts are dropped.
 */
export class AttemptRouter {
  readonly #live = new Map<string, Route>();

  /** Starts routing batches of `attemptId` to `hooks`. */
  register(attemptId: string, hooks: AttemptHooks): void {
    this.#live.set(attemptId, { hooks, received: 0 });
  }

  /** Delivers one side batch (from any worker) to its attempt. */
  deliver(batch: SideBatch): void {
    const route = this.#live.get(batch.attemptId);
    if (!route) return;
    route.received++;
    deliverBatch(route.hooks, batch);
    if (route.waiting && route.received >= route.waiting.sent) route.waiting.release();
  }

  /**
   * The attempt's outcome arrived: deliver the batches still in flight, then its tail, then stop routing.
   * Synchronous in the common case (nothing in flight), so a no-op attempt costs no extra turn.
   */
  complete(attemptId: string, tail: ReportBatch, sent: number): void | Promise<void> {
    const route = this.#live.get(attemptId);
    if (!route) return;
    if (route.received >= sent) return this.#finish(attemptId, route, tail);
    return new Promise<void>((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        route.waiting = undefined;
        // Dropped meanwhile (aborted): its hooks must not hear from it any more.
        if (this.#live.get(attemptId) === route) this.#finish(attemptId, route, tail);
        resolve();
      };
      const timer = setTimeout(release, STRAGGLER_WAIT_MS);
      route.waiting = { sent, release };
    });
  }

  /** Stops routing an attempt (aborted or failed): later batches are dropped. */
  drop(attemptId: string): void {
    const route = this.#live.get(attemptId);
    if (!route) return;
    this.#live.delete(attemptId);
    route.waiting?.release();
  }

  #finish(attemptId: string, route: Route, tail: ReportBatch): void {
    this.#live.delete(attemptId);
    deliverBatch(route.hooks, tail);
  }
}
