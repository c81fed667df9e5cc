import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.ts';
import { PooledExecutor } from '../../electron/engine/executors/pooled-executor.ts';
import { attemptOf, expectHangKilledThenNextRuns, recordingHooks, rejectionOf, useScratchDir } from '../fixtures/processors/harness.ts';

// Isolation `pooled`: reused threads, fresh processor modules per attempt (globals carry over), recycled threads.
// What every reused worker resets is tested against fixtures that try to break it in executors-isolation.test.ts.

interface Counters {
  module: number;
  global: number;
  threadId: number;
}

const scratch = useScratchDir('dproc-pooled-');

describe('the pooled executor', () => {
  let executor: PooledExecutor | undefined;
  afterEach(async () => {
    await executor?.close();
    executor = undefined;
  });

  async function runSequentially(count: number): Promise<Counters[]> {
    const results: Counters[] = [];
    for (let i = 0; i < count; i++) {
      results.push(deserialize(await executor!.execute(attemptOf('counters.mjs'), recordingHooks())) as Counters);
    }
    return results;
  }

  it('gives every attempt a fresh processor module while globalThis carries over on a reused thread', async () => {
    executor = new PooledExecutor(1, { spares: 0 });
    const counters = await runSequentially(4);
    expect(counters.map((c) => c.module)).toEqual([1, 1, 1, 1]);
    // Documented: the same thread ran all four, and globalThis kept counting (`process` resets it).
    expect(new Set(counters.map((c) => c.threadId)).size).toBe(1);
    expect(counters.map((c) => c.global)).toEqual([1, 2, 3, 4]);
  });

  it('gives a fresh instance to a processor with top-level await, relative imports and import.meta, and to the local modules it imports', async () => {
    executor = new PooledExecutor(1, { spares: 0 });
    const runs: { output: unknown; logs: string[] }[] = [];
    for (let i = 0; i < 3; i++) {
      const hooks = recordingHooks();
      const output = deserialize(await executor.execute(attemptOf('fresh-instance/processor.mjs'), hooks));
      runs.push({ output, logs: hooks.logs.map((l) => l.text) });
    }
    expect(runs.map((r) => r.output)).toEqual([1, 2, 3].map(() => ({ greeting: 'hello', ready: 'ready', calls: 1, shared: 1 })));
    // The module body ran once per attempt, and its console output went to that attempt.
    for (const run of runs) expect(run.logs).toEqual(['module evaluated']);
  });

  it('gives a TypeScript processor a fresh instance per attempt', async () => {
    executor = new PooledExecutor(1, { spares: 0 });
    const calls: unknown[] = [];
    for (let i = 0; i < 3; i++) calls.push(deserialize(await executor.execute(attemptOf('fresh-instance/typed-counter.ts'), recordingHooks())));
    expect(calls).toEqual([1, 1, 1]);
  });

  it('gives a fresh instance to a processor whose default export is re-exported from a local module', async () => {
    executor = new PooledExecutor(1, { spares: 0 });
    const hooks = [recordingHooks(), recordingHooks()];
    const first = deserialize(await executor.execute(attemptOf('fresh-instance/reexported.mjs'), hooks[0])) as Counters;
    const second = deserialize(await executor.execute(attemptOf('fresh-instance/reexported.mjs'), hooks[1])) as Counters;
    expect(first.threadId).toBe(second.threadId);
    expect([first.module, second.module]).toEqual([1, 1]);
    expect([...hooks[0].logs, ...hooks[1].logs]).toEqual([]);
  });

  it('shares a CommonJS processor between the attempts on a thread, and says so once in the log', async () => {
    executor = new PooledExecutor(1, { spares: 0 });
    const hooks = [recordingHooks(), recordingHooks()];
    const first = deserialize(await executor.execute(attemptOf('fresh-instance/commonjs/counter.js'), hooks[0])) as number;
    const second = deserialize(await executor.execute(attemptOf('fresh-instance/commonjs/counter.js'), hooks[1])) as number;
    expect(second).toBe(first + 1);
    expect(hooks[0].logs).toContainEqual({ stream: 'stderr', text: expect.stringMatching(/cannot give .*counter\.js a fresh module instance per attempt \(it is a CommonJS module/) });
    expect(hooks[1].logs).toEqual([]);
  });

  it('starts a big pool gradually and still runs every attempt; a cancelled attempt that waited never runs', async () => {
    // 24 threads is above what a pool starts at once on this machine (at most 2 × cores, at least 4).
    const osThreads = () => readdirSync('/proc/self/task').length;
    const before = osThreads();
    executor = new PooledExecutor(24);
    const marker = join(scratch(), 'never-started.json');
    const waiting = recordingHooks();
    const all = Array.from({ length: 48 }, (_, i) => executor!.execute(attemptOf('echo.mjs', { input: i }), recordingHooks()));
    // Threads started right away: the first batch and one per attempt it could not place, not all 24.
    expect(osThreads() - before).toBeLessThanOrEqual(2 * Math.max(4, 2 * availableParallelism()));
    const cancelled = executor.execute(attemptOf('hangs.mjs', { input: { startedFile: marker } }), waiting);
    waiting.controller.abort(new Error('cancelled while waiting'));
    expect((await rejectionOf(cancelled)).code).toBe(ERROR_CODES.CANCELLED);
    const outputs = await Promise.all(all);
    expect(outputs.map((o) => (deserialize(o) as { input: number }).input)).toEqual(Array.from({ length: 48 }, (_, i) => i));
    expect(existsSync(marker)).toBe(false);
  });

  it('replaces a thread after N attempts, so 3N attempts use exactly 3 threads of N attempts each', async () => {
    const n = 5;
    executor = new PooledExecutor(1, { spares: 0, attemptsPerThread: n });
    const counters = await runSequentially(3 * n);
    const perThread = new Map<number, number>();
    for (const { threadId } of counters) perThread.set(threadId, (perThread.get(threadId) ?? 0) + 1);
    expect([...perThread.values()]).toEqual([n, n, n]);
    expect(counters.every((c) => c.module === 1)).toBe(true);
    // A new thread starts clean: the leaked global count never exceeds N.
    expect(Math.max(...counters.map((c) => c.global))).toBe(n);
  });

  it('replaces a thread early when its heap grows past the configured bound', async () => {
    executor = new PooledExecutor(1, { spares: 0, retireAboveHeapMb: 0 });
    const counters = await runSequentially(3);
    expect(new Set(counters.map((c) => c.threadId)).size).toBe(3);
  });

  it('spreads concurrent attempts over its threads and routes each result to its own attempt', async () => {
    executor = new PooledExecutor(2);
    const outputs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => executor!.execute(attemptOf('echo.mjs', { input: i }), recordingHooks())),
    );
    expect(outputs.map((output) => (deserialize(output) as { input: number }).input)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
  });

  it('kills a synchronous infinite loop when the signal fires, so its only thread is free for the next attempt', async () => {
    executor = new PooledExecutor(1, { spares: 0 });
    await expectHangKilledThenNextRuns(executor, scratch());
  });
});
