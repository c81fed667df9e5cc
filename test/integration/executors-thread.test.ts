import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.ts';
import { ThreadExecutor } from '../../electron/engine/executors/thread-executor.ts';
import { attemptOf, recordingHooks, rejectionOf, useScratchDir } from '../fixtures/processors/harness.ts';

// Isolation `thread`: a thread no other attempt has used, for every attempt.

const scratch = useScratchDir('dproc-thread-');

describe('the thread executor', () => {
  let executor: ThreadExecutor | undefined;
  afterEach(async () => {
    await executor?.close();
    executor = undefined;
  });

  it('starts every attempt with fresh module state and a fresh globalThis, on a thread of its own', async () => {
    executor = new ThreadExecutor(2);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => executor!.execute(attemptOf('counters.mjs'), recordingHooks())),
    );
    const counters = results.map((output) => deserialize(output) as { module: number; global: number; threadId: number });
    expect(counters.map(({ module, global }) => [module, global])).toEqual(Array(6).fill([1, 1]));
    expect(new Set(counters.map(({ threadId }) => threadId)).size).toBe(6);
  });

  it('kills a synchronous infinite loop when the signal fires, so its only thread is free for the next attempt', async () => {
    // One thread and no spare: the next attempt can only run if the looping thread was really terminated.
    executor = new ThreadExecutor(1, { spares: 0 });
    const startedFile = join(scratch(), 'hang-started.json');
    const hooks = recordingHooks();
    const hanging = executor.execute(attemptOf('hangs.mjs', { input: { startedFile } }), hooks);
    await vi.waitFor(() => expect(readFileSync(startedFile, 'utf8')).toContain('threadId'), { timeout: 10_000 });
    hooks.controller.abort(new Error('timed out'));
    expect((await rejectionOf(hanging)).code).toBe(ERROR_CODES.CANCELLED);
    const next = await executor.execute(attemptOf('echo.mjs', { input: 'after the hang' }), recordingHooks());
    expect(deserialize(next)).toMatchObject({ input: 'after the hang' });
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
