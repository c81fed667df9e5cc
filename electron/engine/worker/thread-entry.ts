import { BroadcastChannel, parentPort, threadId, workerData } from 'node:worker_threads';
import type { AbortNotice, SideBatch, ThreadOutcome, ThreadWorkerData, WorkerTask } from './protocol.ts';
import { collectGarbage, getHeapStatistics } from './builtins.ts';

// Piscina worker entry: thin glue between piscina's task call and the attempt runner.
// Side batches go out on parentPort (piscina re-emits them as the pool's 'message' event), aborts
// come in on the pool's BroadcastChannel: neither needs a per-attempt MessageChannel.

// Piscina require()s its entry before trying import(), and Node's require(esm) aborts the WHOLE process
// when the thread is terminated mid-load (an assertion in its CommonJS facade; seen when an executor
// closes while spare threads boot). A top-level await makes require() refuse this module up front
// (ERR_REQUIRE_ASYNC_MODULE), so piscina loads it with import(), which survives termination.
const { AbortRegistry } = await import('./abort-listener.ts');
const { runAttempt } = await import('./attempt-runner.ts');

const { installStrayErrorGuard } = await import('./stray-errors.ts');

const aborts = new AbortRegistry();
const { abortChannel, reused, resetGlobals, retireAboveHeapMb } = workerData as ThreadWorkerData;
// A stray error outside any attempt has nobody to fail; the thread carries on (or is discarded).
installStrayErrorGuard(() => {});
const channel = new BroadcastChannel(abortChannel);
channel.onmessage = (event) => aborts.notice(event.data as AbortNotice);
// Piscina terminates idle workers itself; the channel must not keep one alive.
channel.unref();

// Only a reused thread needs the reset, and with it the rewriter (acorn): a single-use one starts lighter.
// Created last, so that the state it restores after each attempt includes this entry's own set-up.
const reset = reused ? new (await import('./attempt-reset.ts')).AttemptReset({ globals: resetGlobals }) : undefined;

const port = parentPort;
function send(batch: SideBatch): void {
  port?.postMessage(batch);
}

/** Runs one attempt in this thread. */
export default async function runInThread(task: WorkerTask): Promise<ThreadOutcome> {
  const signal = aborts.start(task.attemptId);
  try {
    const outcome = await runAttempt(task, { signal, send, reset });
    // Heap use lets the pool retire a thread early when what attempts leak gets big; above the pool's
    // bound, it is measured after a full collection, so that garbage is not taken for a leak.
    let heapUsedMb = getHeapStatistics().used_heap_size / 1_048_576;
    if (reused && heapUsedMb > retireAboveHeapMb) {
      collectGarbage();
      heapUsedMb = getHeapStatistics().used_heap_size / 1_048_576;
    }
    return { ...outcome, threadId, heapUsedMb };
  } finally {
    aborts.end();
  }
}
