import { deserialize, serialize } from './builtins.ts';
import { captureConsole } from './console-capture.ts';
import { unpackOutputs } from './packed-outputs.ts';
import { loadProcessor } from './processor-loader.ts';
import { createContext, type Processor } from './context.ts';
import type { AttemptOutcome, SideBatch, WireError, WorkerTask } from './protocol.ts';
import { AttemptReporter, DEFAULT_REPORTER_LIMITS, type ReporterLimits } from './reporter.ts';
import { importFailed, notAFunction, processorThrew, unstorable, upstreamUnreadable } from './runner-errors.ts';

/** What the worker around the runner provides: its abort signal and its channel back to the coordinator. */
export interface RunnerIo {
  /** Aborts when the coordinator aborts the attempt; becomes ctx.signal. */
  signal: AbortSignal;
  /** Sends a coalesced progress/log batch while the attempt runs. */
  send(batch: SideBatch): void;
  limits?: ReporterLimits;
  /**
   * The worker runs other attempts too (`pooled`): this attempt needs a fresh instance of the processor
   * module (see processor-loader.ts). A single-use worker (thread, process) imports it plainly.
   */
  freshImport?: boolean;
}

/** Runs ONE attempt inside a worker (thread or child process) and never throws: every failure is an outcome. */
export async function runAttempt(task: WorkerTask, io: RunnerIo): Promise<AttemptOutcome> {
  const reporter = new AttemptReporter(task.attemptId, io.send, io.limits ?? DEFAULT_REPORTER_LIMITS);
  const release = captureConsole((stream, text) => reporter.log(stream, text));
  const fail = (error: WireError): AttemptOutcome => ({ ok: false, error, ...reporter.finish() });
  try {
    const upstream: Record<string, unknown> = {};
    for (const [taskId, bytes] of task.upstream ? unpackOutputs(task.upstream) : []) {
      try {
        upstream[taskId] = deserialize(bytes);
      } catch (err) {
        return fail(upstreamUnreadable(err, taskId));
      }
    }

    let processor: unknown;
    try {
      processor = await loadProcessor(task.processor, { fresh: io.freshImport === true });
    } catch (err) {
      return fail(importFailed(err, task.processor));
    }
    if (typeof processor !== 'function') return fail(notAFunction(processor, task.processor));

    const ctx = createContext(
      { taskId: task.taskId, attempt: task.attempt, signal: io.signal, upstream, missing: task.missing },
      reporter,
    );
    let result: unknown;
    try {
      result = await (processor as Processor)(task.input, ctx);
    } catch (err) {
      return fail(processorThrew(err));
    }

    let output: Uint8Array;
    try {
      output = serialize(result);
    } catch (err) {
      return fail(unstorable(err, task.processor));
    }
    return { ok: true, output, ...reporter.finish() };
  } finally {
    release();
  }
}
