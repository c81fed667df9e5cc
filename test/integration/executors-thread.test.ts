import { deserialize } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.ts';
import { ThreadExecutor } from '../../electron/engine/executors/thread-executor.ts';
import { attemptOf, expectHangKilledThenNextRuns, recordingHooks, rejectionOf, useScratchDir } from '../fixtures/processors/harness.ts';

// Isolation `thread`: reused threads put back as they started after every attempt; with
// attemptsPerThread 1, a thread no other attempt has used, for every attempt.

const scratch = useScratchDir('dproc-thread-');

/** Lets exiting threads go and anything they trigger happen (a few turns of the event loop). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

/** Counts the worker threads this process starts from now on (Node emits 'worker' for each). */
function countThreadStarts(): { readonly count: number; stop(): void } {
  let count = 0;
  const onWorker = (): void => void count++;
  process.on('worker', onWorker);
  return {
    get count() {
      return count;
    },
    stop: () => void process.off('worker', onWorker),
  };
}

describe('the thread executor', () => {
  let executor: ThreadExecutor | undefined;
  afterEach(async () => {
    await executor?.close();
    executor = undefined;
  });

  it('by default reuses its threads, and every attempt still sees fresh module state and a fresh globalThis', async () => {
    executor = new ThreadExecutor(2);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => executor!.execute(attemptOf('counters.mjs'), recordingHooks())),
    );
    const counters = results.map((output) => deserialize(output) as { module: number; global: number; threadId: number });
    expect(counters.map(({ module, global }) => [module, global])).toEqual(Array(6).fill([1, 1]));
    expect(new Set(counters.map(({ threadId }) => threadId)).size).toBeLessThanOrEqual(2);
  });

  it('with attemptsPerThread 1, starts every attempt with fresh module state and a fresh globalThis, on a thread of its own', async () => {
    executor = new ThreadExecutor(2, { attemptsPerThread: 1 });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => executor!.execute(attemptOf('counters.mjs'), recordingHooks())),
    );
    const counters = results.map((output) => deserialize(output) as { module: number; global: number; threadId: number });
    expect(counters.map(({ module, global }) => [module, global])).toEqual(Array(6).fill([1, 1]));
    expect(new Set(counters.map(({ threadId }) => threadId)).size).toBe(6);
  });

  it('kills a synchronous infinite loop when the signal fires, so its only thread is free for the next attempt', async () => {
    // One thread and no spare: the next attempt can only run if the looping thread was really terminated.
    executor = new ThreadExecutor(1);
    await expectHangKilledThenNextRuns(executor, scratch());
  });

  it('single-use: starts no spare thread while none is forecast, and starts them once attempts are', async () => {
    executor = new ThreadExecutor(4, { attemptsPerThread: 1 }); // up to 4 spares
    const starts = countThreadStarts();
    try {
      executor.expect(0);
      for (let i = 0; i < 3; i++) await executor.execute(attemptOf('echo.mjs', { input: i }), recordingHooks());
      await settle();
      expect(starts.count).toBe(3); // one per attempt: none ahead, none to replace a used one
      executor.expect(2);
      await vi.waitFor(() => expect(starts.count).toBe(5));
      executor.expect(9); // never more than its spares
      await vi.waitFor(() => expect(starts.count).toBe(7));
      await settle();
      expect(starts.count).toBe(7);
    } finally {
      starts.stop();
    }
  });

  it('single-use: keeps its spares started when no forecast comes (an executor used on its own)', async () => {
    executor = new ThreadExecutor(1, { attemptsPerThread: 1, spares: 2 });
    const starts = countThreadStarts();
    try {
      await executor.execute(attemptOf('echo.mjs', { input: 1 }), recordingHooks());
      await vi.waitFor(() => expect(starts.count).toBe(3)); // its own thread and 2 spares
      await executor.execute(attemptOf('echo.mjs', { input: 2 }), recordingHooks());
      // It took a spare; one more replaces it once the used thread has exited (the pool holds 3 at most).
      await vi.waitFor(() => expect(starts.count).toBe(4));
      await settle();
      expect(starts.count).toBe(4);
    } finally {
      starts.stop();
    }
  });

  it('single-use: runs every attempt when more arrive than it has threads, each on a new thread', async () => {
    // One thread at most: each attempt waits in piscina's queue until the previous thread has exited,
    // and then only the pool itself starts the next one (no minimum of threads would).
    executor = new ThreadExecutor(1, { attemptsPerThread: 1, spares: 0 });
    const results = await Promise.all(
      Array.from({ length: 4 }, () => executor!.execute(attemptOf('counters.mjs'), recordingHooks())),
    );
    const threadIds = results.map((output) => (deserialize(output) as { threadId: number }).threadId);
    expect(new Set(threadIds).size).toBe(4);
  });

  it('runs attempts with different memory limits, each under its own limit', async () => {
    executor = new ThreadExecutor(1);
    const hog = await rejectionOf(
      executor.execute(attemptOf('exhausts-memory.mjs', { memoryLimitMb: 32 }), recordingHooks()),
    );
    expect(hog.code).toBe(ERROR_CODES.OUT_OF_MEMORY);
    const fine = await executor.execute(attemptOf('echo.mjs', { memoryLimitMb: 512, input: 1 }), recordingHooks());
    expect(deserialize(fine)).toMatchObject({ input: 1 });
  });
});
