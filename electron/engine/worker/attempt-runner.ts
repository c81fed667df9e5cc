import { deserialize, serialize } from './builtins.ts';
import { captureConsole } from './console-capture.ts';
import { unpackOutputs } from './packed-outputs.ts';
import type { AttemptReset } from './attempt-reset.ts';
import type { FreshProcessor } from './fresh-processor.ts';
import { importProcessor } from './processor-loader.ts';
import { guardStrays } from './stray-errors.ts';
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
   * The worker runs other attempts too (`pooled`, `process`): the attempt gets a fresh instance of the
   * processor's modules and the worker's state is put back after it (attempt-reset.ts). A single-use
   * worker (`thread`) imports the processor plainly: it is fresh already.
   */
  reset?: AttemptReset;
}

/**
 * Runs ONE attempt inside a worker (thread or child process) and never throws: every failure is an
 * outcome. A reused worker's outcome says whether the worker should retire (it could not be reset).
 */
export async function runAttempt(task: WorkerTask, io: RunnerIo): Promise<AttemptOutcome> {
  let fresh: FreshProcessor | undefined;
  let retire = false;
  const outcome = await runProcessor(task, io, (prepared) => (fresh = prepared));
  if (io.reset) retire = io.reset.end(fresh);
  return retire ? { ...outcome, retire } : outcome;
}

async function runProcessor(task: WorkerTask, io: RunnerIo, onPrepared: (fresh: FreshProcessor) => void): Promise<AttemptOutcome> {
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
      if (io.reset) {
        const fresh = await io.reset.prepare(task.processor);
        onPrepared(fresh);
        io.reset.begin();
        processor = await fresh.instance();
      } else {
        processor = await importProcessor(task.processor);
      }
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
      result = await guardStrays(async () => (processor as Processor)(task.input, ctx));
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
