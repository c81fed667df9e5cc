import { format } from './builtins.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import type { AttemptReporter } from './reporter.ts';

/** The second argument of every processor: who it is, how to report, and what its upstream tasks produced. */
export interface ProcessorContext {
  readonly taskId: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Aborts on timeout or cancel: a cooperative processor stops and cleans up; a stubborn one is killed. */
  readonly signal: AbortSignal;
  /** Reports progress; calls are coalesced, so calling it often is cheap. */
  progress(done: number, total?: number, message?: string): void;
  /** Logs a line (formatted like console.log) on the 'log' stream. */
  log(...args: unknown[]): void;
  /** Outputs of completed upstream tasks, deserialised, keyed by task id. */
  readonly upstream: Readonly<Record<string, unknown>>;
  /** Upstream tasks that were skipped, with their last error (null when they never failed). */
  readonly missing: Readonly<Record<string, ErrorInfo | null>>;
}

/** A processor module's default export. */
export type Processor = (input: unknown, ctx: ProcessorContext) => unknown;

/** Builds the ctx a processor receives, wired to the attempt's reporter. */
export function createContext(
  fields: Pick<ProcessorContext, 'taskId' | 'attempt' | 'signal' | 'upstream' | 'missing'>,
  reporter: AttemptReporter,
): ProcessorContext {
  return {
    ...fields,
    progress(done: number, total?: number, message?: string): void {
      // Fail loudly in the processor rather than store a progress bar nobody can draw.
      if (typeof done !== 'number' || !Number.isFinite(done)) {
        throw new TypeError(`ctx.progress(done, total?, message?): done must be a finite number, got ${String(done)}`);
      }
      const progress: { done: number; total?: number; message?: string } = { done };
      if (total !== undefined && total !== null) progress.total = Number(total);
      if (message !== undefined && message !== null) progress.message = String(message);
      reporter.progress(progress);
    },
    log(...args: unknown[]): void {
      reporter.log('log', format(...args));
    },
  };
}
