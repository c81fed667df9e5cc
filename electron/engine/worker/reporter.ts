import type { LogStream } from '../../../shared/events.ts';
import type { TaskProgress } from '../../../shared/snapshot.ts';
import type { LogLine, ReportBatch, SideBatch } from './protocol.ts';

/** Limits on what one attempt may report. */
export interface ReporterLimits {
  /** Reports are sent at most this often while the attempt runs (the rest rides with the outcome). */
  flushMs: number;
  /** Log lines kept per attempt; one "log truncated" line replaces everything after. */
  maxLines: number;
  /** Longer lines are cut: one runaway line must not bloat the journal. */
  maxLineChars: number;
}

/** Defaults: progress at ~20 Hz, 10,000 lines of at most 64 KiB each per attempt. */
export const DEFAULT_REPORTER_LIMITS: ReporterLimits = { flushMs: 50, maxLines: 10_000, maxLineChars: 64 * 1024 };

/**
 * Gathers one attempt's progress and logs and sends them in coalesced batches, so a processor that
 * reports in a tight loop costs the coordinator one message per interval, not one per call.
 */
export class AttemptReporter {
  readonly #attemptId: string;
  readonly #send: (batch: SideBatch) => void;
  readonly #limits: ReporterLimits;
  #logs: LogLine[] = [];
  #progress: TaskProgress | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lines = 0;
  #truncated = false;
  #sent = 0;
  #finished = false;

  constructor(attemptId: string, send: (batch: SideBatch) => void, limits: ReporterLimits = DEFAULT_REPORTER_LIMITS) {
    this.#attemptId = attemptId;
    this.#send = send;
    this.#limits = limits;
  }

  /** Records one log line (dropped once the attempt is over or past the line cap). */
  log(stream: LogStream, text: string): void {
    if (this.#finished || this.#truncated) return;
    if (this.#lines >= this.#limits.maxLines) {
      this.#truncated = true;
      this.#logs.push(['log', `[dproc] log truncated: more than ${this.#limits.maxLines} lines in this attempt`]);
    } else {
      this.#lines++;
      const max = this.#limits.maxLineChars;
      this.#logs.push([stream, text.length > max ? `${text.slice(0, max)}… [line truncated]` : text]);
    }
    this.#schedule();
  }

  /** Records progress; only the last value per interval is sent. */
  progress(progress: TaskProgress): void {
    if (this.#finished) return;
    this.#progress = progress;
    this.#schedule();
  }

  /** Stops reporting and returns what is left to deliver with the outcome. */
  finish(): { tail: ReportBatch; sent: number } {
    this.#finished = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    return { tail: this.#take(), sent: this.#sent };
  }

  #schedule(): void {
    // Trailing timer: an attempt shorter than one interval sends nothing on the side.
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.#flush(), this.#limits.flushMs);
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#finished) return;
    const batch: SideBatch = { dproc: 'batch', attemptId: this.#attemptId, ...this.#take() };
    try {
      this.#send(batch);
      this.#sent++;
    } catch {
      // The channel to the coordinator is gone (it is shutting down): nobody is left to read these.
    }
  }

  #take(): ReportBatch {
    const batch: ReportBatch = { logs: this.#logs };
    if (this.#progress !== undefined) batch.progress = this.#progress;
    this.#logs = [];
    this.#progress = undefined;
    return batch;
  }
}
