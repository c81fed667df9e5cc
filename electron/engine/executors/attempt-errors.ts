import { DprocError, ERROR_CODES, type ErrorCode } from '../../../shared/errors.ts';
import type { WireError } from '../worker/protocol.ts';
import { processorThrew } from '../worker/runner-errors.ts';
import type { AttemptRequest } from './executor.ts';

/** A failed attempt: a DprocError with the worker's evidence (processor code, exit code, signal) attached. */
export class AttemptError extends DprocError {
  /** The string `code` of what the processor threw (the attempt's `code` stays DPROC_E_PROCESSOR_THREW). */
  processorCode?: string;
  /** Exit code of a worker that exited on its own (process.exit). */
  exitCode?: number;
  /** Signal that killed a child process (SIGSEGV, SIGABRT...). */
  signal?: string;

  constructor(code: ErrorCode, message: string, request: Pick<AttemptRequest, 'taskId' | 'processor'>) {
    super(code, message, { taskId: request.taskId, file: request.processor });
    this.name = 'AttemptError';
  }
}

/** Rebuilds the error a worker reported, keeping the processor's message and stack. */
export function fromWire(wire: WireError, request: AttemptRequest): AttemptError {
  const error = new AttemptError(wire.code, wire.message, request);
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.processorCode !== undefined) error.processorCode = wire.processorCode;
  return error;
}

/** The coordinator aborted the attempt; its reason (timeout, cancel) is kept as `cause`. */
export function cancelled(request: AttemptRequest, reason: unknown): AttemptError {
  const error = new AttemptError(
    ERROR_CODES.CANCELLED,
    `Attempt ${request.attempt} of task "${request.taskId}" was aborted`,
    request,
  );
  error.cause = reason;
  return error;
}

/** The executor was closed while the attempt was pending or running. */
export function interrupted(request: AttemptRequest): AttemptError {
  return new AttemptError(
    ERROR_CODES.INTERRUPTED,
    `Attempt ${request.attempt} of task "${request.taskId}" was interrupted: its executor was closed`,
    request,
  );
}

/** The attempt's worker ran out of JS heap. */
export function outOfMemory(request: AttemptRequest, detail: string): AttemptError {
  return new AttemptError(
    ERROR_CODES.OUT_OF_MEMORY,
    `Task "${request.taskId}" ran out of memory (limit ${request.memoryLimitMb} MB): ${detail}`,
    request,
  );
}

/** The attempt's worker exited by itself (process.exit) before the attempt finished. */
export function workerExited(request: AttemptRequest, exitCode: number): AttemptError {
  const error = new AttemptError(
    ERROR_CODES.WORKER_EXITED,
    `The worker running task "${request.taskId}" exited with code ${exitCode} before the attempt finished`,
    request,
  );
  error.exitCode = exitCode;
  return error;
}

/** The attempt's child process was killed by a signal (native crash, abort(), external kill). */
export function workerCrashed(request: AttemptRequest, signal: string, detail = ''): AttemptError {
  const error = new AttemptError(
    ERROR_CODES.WORKER_CRASHED,
    `The process running task "${request.taskId}" crashed with signal ${signal}${detail ? `: ${detail}` : ''}`,
    request,
  );
  error.signal = signal;
  return error;
}

/** Describes an abort reason for the worker side (ctx.signal.reason there). */
export function describeReason(reason: unknown): { message: string; code?: string } {
  if (typeof reason === 'object' && reason !== null) {
    const { message, code } = reason as { message?: unknown; code?: unknown };
    const described: { message: string; code?: string } = {
      message: typeof message === 'string' ? message : 'aborted',
    };
    if (typeof code === 'string') described.code = code;
    return described;
  }
  return { message: reason === undefined ? 'aborted' : String(reason) };
}

/**
 * Maps a piscina rejection to an attempt error. Piscina reports a worker's death in three shapes:
 * ERR_WORKER_OUT_OF_MEMORY (resourceLimits hit), "worker exited with code: N" (process.exit), or the
 * error that escaped the thread (a processor callback threw outside the promise it returned).
 */
export function fromThreadFailure(err: unknown, request: AttemptRequest): AttemptError {
  const { code, message } = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(err);
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return outOfMemory(request, text);
  const exit = /worker exited with code: (-?\d+)/.exec(text);
  if (exit) return workerExited(request, Number(exit[1]));
  return fromWire(processorThrew(err), request);
}

const HEAP_OOM = /heap out of memory|Reached heap limit|Allocation failed/i;

/**
 * Classifies a child process that ended without reporting an outcome: V8 heap exhaustion (recognised by
 * its fatal message on stderr, since the process then aborts with SIGABRT), a signal (native crash,
 * abort(), the system OOM killer), or an exit code (process.exit).
 */
export function fromChildExit(
  request: AttemptRequest,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderrTail: readonly string[],
): AttemptError {
  const fatal = stderrTail.find((line) => HEAP_OOM.test(line));
  if (fatal !== undefined) return outOfMemory(request, fatal.trim());
  if (signal !== null) {
    const hint = signal === 'SIGKILL' ? 'killed from outside (the system OOM killer, or another process)' : '';
    return workerCrashed(request, signal, hint);
  }
  return workerExited(request, code ?? -1);
}

/** The child process could not be started or talked to. */
export function childFailed(request: AttemptRequest, err: unknown): AttemptError {
  const error = new AttemptError(
    ERROR_CODES.WORKER_CRASHED,
    `The process for task "${request.taskId}" failed: ${err instanceof Error ? err.message : String(err)}`,
    request,
  );
  return error;
}
