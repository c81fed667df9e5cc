import type { AbortNotice } from './protocol.ts';

/** An abort reason a processor can inspect: the coordinator's message and code (e.g. DPROC_E_TIMEOUT). */
export function abortReason(notice: AbortNotice): Error {
  const reason = new Error(notice.reason.message) as Error & { code?: string };
  reason.name = 'AbortError';
  if (notice.reason.code !== undefined) reason.code = notice.reason.code;
  return reason;
}

/**
 * Matches abort notices to the attempt running in this worker. A notice can arrive before its attempt
 * starts (the attempt was still queued), so recent notices are remembered and checked at start.
 */
export class AbortRegistry {
  #current: { attemptId: string; controller: AbortController } | null = null;
  #recent = new Map<string, AbortNotice>();

  /** Called for every notice the worker receives. */
  notice(notice: AbortNotice): void {
    if (this.#current?.attemptId === notice.attemptId) {
      this.#current.controller.abort(abortReason(notice));
      return;
    }
    this.#recent.set(notice.attemptId, notice);
    // Bounded: only notices for attempts about to start matter.
    if (this.#recent.size > 64) this.#recent.delete(this.#recent.keys().next().value as string);
  }

  /** Registers the attempt that starts now and returns its signal (already aborted if a notice came first). */
  start(attemptId: string): AbortSignal {
    const controller = new AbortController();
    this.#current = { attemptId, controller };
    const early = this.#recent.get(attemptId);
    if (early) {
      this.#recent.delete(attemptId);
      controller.abort(abortReason(early));
    }
    return controller.signal;
  }

  /** The attempt is over: later notices for it are ignored. */
  end(): void {
    this.#current = null;
  }
}
