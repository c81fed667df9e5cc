import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.ts';
import type { IsolationLevel } from '../../shared/states.ts';
import { createExecutor } from '../../electron/engine/executors/create-executor.ts';
import type { Executor } from '../../electron/engine/executors/executor.ts';
import { packOutputs } from '../../electron/engine/worker/packed-outputs.ts';
import { attemptOf, recordingHooks, rejectionOf, useScratchDir } from '../fixtures/processors/harness.ts';

// Behaviour every isolation level shares, run against real threads and real child processes.

const KINDS: IsolationLevel[] = ['thread', 'pooled', 'process'];
const execFileAsync = promisify(execFile);

const scratch = useScratchDir('dproc-executors-');

describe.each(KINDS)('the %s executor', (kind) => {
  let executor: Executor;
  beforeAll(() => {
    executor = createExecutor(kind, 2);
  });
  afterAll(() => executor.close());

  it('reports its isolation level', () => {
    expect(executor.kind).toBe(kind);
  });

  it('resolves with the output serialised so that v8.deserialize reads it back', async () => {
    const hooks = recordingHooks();
    const upstream = packOutputs(new Map([['regionA', serialize({ value: 3 })]]));
    const output = await executor.execute(
      attemptOf('echo.mjs', { input: { region: 'north', when: new Date(0) }, upstream, taskId: 'echo-1' }),
      hooks,
    );
    expect(output).toBeInstanceOf(Uint8Array);
    expect(deserialize(output)).toEqual({
      input: { region: 'north', when: new Date(0) },
      upstream: { regionA: { value: 3 } },
      taskId: 'echo-1',
      attempt: 1,
    });
  });

  it('gives the processor its upstream outputs deserialised and the missing ones with their errors', async () => {
    const upstream = packOutputs(new Map([['a', serialize({ value: 2 })], ['b', serialize({ value: 5 })]]));
    const missing = { c: { message: 'gave up', code: ERROR_CODES.PROCESSOR_THREW }, d: null };
    const output = await executor.execute(attemptOf('reads-upstream.mjs', { upstream, missing }), recordingHooks());
    expect(deserialize(output)).toMatchObject({ upstreamIds: ['a', 'b'], total: 7, missing });
  });

  it('runs a TypeScript processor', async () => {
    const output = await executor.execute(
      attemptOf('typed.ts', { input: { values: [1, 2, 3] }, taskId: 'ts-task' }),
      recordingHooks(),
    );
    expect(deserialize(output)).toEqual({ sum: 6, taskId: 'ts-task' });
  });

  it("fails with PROCESSOR_THREW keeping the processor's own message, stack and code", async () => {
    const error = await rejectionOf(
      executor.execute(attemptOf('throws.mjs', { input: { message: 'region north is corrupt' } }), recordingHooks()),
    );
    expect(error.code).toBe(ERROR_CODES.PROCESSOR_THREW);
    expect(error.message).toBe('region north is corrupt');
    expect(error.stack).toContain('throws.mjs');
    expect(error.processorCode).toBe('E_FIXTURE');
  });

  it('fails with PROCESSOR_THREW when a processor callback throws after the processor returned a promise', async () => {
    const error = await rejectionOf(executor.execute(attemptOf('throws-later.mjs'), recordingHooks()));
    expect(error.code).toBe(ERROR_CODES.PROCESSOR_THREW);
    expect(error.message).toBe('thrown from a timer');
  });

  it('fails with UNSTORABLE_RESULT, saying why, when the return value cannot be serialised', async () => {
    const error = await rejectionOf(executor.execute(attemptOf('returns-function.mjs'), recordingHooks()));
    expect(error.code).toBe(ERROR_CODES.UNSTORABLE_RESULT);
    expect(error.message).toMatch(/cannot be stored: .*could not be cloned/);
  });

  it('fails with PROCESSOR_INVALID when the module has no default export function', async () => {
    const error = await rejectionOf(executor.execute(attemptOf('no-default-export.mjs'), recordingHooks()));
    expect(error.code).toBe(ERROR_CODES.PROCESSOR_INVALID);
    expect(error.message).toContain('no-default-export.mjs');
  });

  it('fails with PROCESSOR_INVALID naming the file when the module does not parse', async () => {
    const broken = join(scratch(), `${kind}-broken.mjs`);
    writeFileSync(broken, 'export default () => {');
    const error = await rejectionOf(executor.execute(attemptOf('echo.mjs', { processor: broken }), recordingHooks()));
    expect(error.code).toBe(ERROR_CODES.PROCESSOR_INVALID);
    expect(error.message).toContain(broken);
  });

  it('fails with PROCESSOR_NOT_FOUND when the processor file is gone', async () => {
    const error = await rejectionOf(executor.execute(attemptOf('does-not-exist.mjs'), recordingHooks()));
    expect(error.code).toBe(ERROR_CODES.PROCESSOR_NOT_FOUND);
  });

  it('fails with WORKER_EXITED and the exit code on process.exit, while the other attempts complete', async () => {
    const exiting = executor.execute(attemptOf('exits.mjs', { input: { code: 7 } }), recordingHooks());
    const good = executor.execute(attemptOf('progress-and-log.mjs', { input: { steps: 3 } }), recordingHooks());
    const error = await rejectionOf(exiting);
    expect(error.code).toBe(ERROR_CODES.WORKER_EXITED);
    expect(error.exitCode).toBe(7);
    expect(deserialize(await good)).toEqual({ steps: 3 });
  });

  it('fails with OUT_OF_MEMORY when the heap is exhausted, while a concurrent attempt completes', async () => {
    const hog = executor.execute(attemptOf('exhausts-memory.mjs', { memoryLimitMb: 48 }), recordingHooks());
    const good = executor.execute(attemptOf('progress-and-log.mjs', { input: { steps: 3 } }), recordingHooks());
    const error = await rejectionOf(hog);
    expect(error.code).toBe(ERROR_CODES.OUT_OF_MEMORY);
    expect(deserialize(await good)).toEqual({ steps: 3 });
  });

  it('delivers each attempt its own progress and logs, from ctx and from console', async () => {
    const first = recordingHooks();
    const second = recordingHooks();
    await Promise.all([
      executor.execute(attemptOf('progress-and-log.mjs', { input: { steps: 4 } }), first),
      executor.execute(attemptOf('progress-and-log.mjs', { input: { steps: 6 } }), second),
    ]);
    for (const [hooks, steps] of [
      [first, 4],
      [second, 6],
    ] as const) {
      expect(hooks.progress.at(-1)).toEqual({ done: steps, total: steps, message: `step ${steps}` });
      expect(hooks.logs).toContainEqual({ stream: 'log', text: 'starting { steps: 4 }'.replace('4', String(steps)) });
      expect(hooks.logs).toContainEqual({ stream: 'stdout', text: 'console.log line' });
      expect(hooks.logs).toContainEqual({ stream: 'stderr', text: 'console.error line' });
      expect(hooks.logs).toContainEqual({ stream: 'stderr', text: 'console.warn line' });
      const steplines = hooks.logs.filter((line) => line.text.endsWith(' done')).map((line) => line.text);
      expect(steplines).toEqual(Array.from({ length: steps }, (_, i) => `step ${i + 1} done`));
    }
  });

  it('keeps at most 10,000 log lines of an attempt, then says the log was truncated', async () => {
    const hooks = recordingHooks();
    await executor.execute(attemptOf('logs-a-lot.mjs', { input: { lines: 12_000 } }), hooks);
    expect(hooks.logs).toHaveLength(10_001);
    expect(hooks.logs.at(-2)).toEqual({ stream: 'log', text: 'line 9999' });
    expect(hooks.logs.at(-1)?.text).toMatch(/log truncated/);
  });

  it('rejects at once with CANCELLED when the signal is already aborted', async () => {
    const hooks = recordingHooks();
    hooks.controller.abort(new Error('cancelled before start'));
    const error = await rejectionOf(executor.execute(attemptOf('echo.mjs'), hooks));
    expect(error.code).toBe(ERROR_CODES.CANCELLED);
  });

  it("lets a cooperative processor see ctx.signal abort with the coordinator's reason", async () => {
    const markerFile = join(scratch(), `${kind}-cooperative.json`);
    const hooks = recordingHooks();
    const running = executor.execute(attemptOf('waits-for-signal.mjs', { input: { markerFile } }), hooks);
    // The processor logs once it is waiting: abort a running attempt, not one still queued.
    await vi.waitFor(() => expect(hooks.logs).toContainEqual({ stream: 'log', text: 'waiting for the signal' }), {
      timeout: 10_000,
    });
    const reason = Object.assign(new Error('took too long'), { code: ERROR_CODES.TIMEOUT });
    hooks.controller.abort(reason);
    const error = await rejectionOf(running);
    expect(error.code).toBe(ERROR_CODES.CANCELLED);
    expect(error.cause).toBe(reason);
    await vi.waitFor(() => expect(existsSync(markerFile)).toBe(true), { timeout: 10_000 });
    expect(JSON.parse(readFileSync(markerFile, 'utf8'))).toEqual({
      aborted: true,
      reason: 'took too long',
      code: ERROR_CODES.TIMEOUT,
    });
  });
});

describe.each(KINDS)('closing the %s executor', (kind) => {
  it('lets a script that awaits close() at top level end normally', async () => {
    const script = fileURLToPath(new URL('../fixtures/processors/close-then-exit.ts', import.meta.url));
    const { stdout } = await execFileAsync(process.execPath, [script, kind], { timeout: 30_000 });
    expect(stdout.trim()).toBe('closed');
  });

  it('rejects a running attempt with INTERRUPTED and refuses new ones', async () => {
    const executor = createExecutor(kind, 1);
    const hooks = recordingHooks();
    const running = executor.execute(attemptOf('waits-for-signal.mjs'), hooks);
    await vi.waitFor(() => expect(hooks.logs.length).toBeGreaterThan(0), { timeout: 10_000 });
    const failure = rejectionOf(running);
    await executor.close();
    expect((await failure).code).toBe(ERROR_CODES.INTERRUPTED);
    const late = await rejectionOf(executor.execute(attemptOf('echo.mjs'), recordingHooks()));
    expect(late.code).toBe(ERROR_CODES.INTERRUPTED);
  });
});

describe.each(['thread', 'pooled'] as const)('the %s executor with its only thread busy', (kind) => {
  it('never starts a queued attempt that was cancelled before a thread took it', async () => {
    // One thread, no spare: the second attempt waits in the queue behind the first.
    const executor = createExecutor(kind, 1, { thread: { spares: 0 }, pooled: { spares: 0 } });
    try {
      const busy = recordingHooks();
      const running = executor.execute(attemptOf('waits-for-signal.mjs'), busy);
      await vi.waitFor(() => expect(busy.logs.length).toBeGreaterThan(0), { timeout: 10_000 });
      const startedFile = join(scratch(), `${kind}-queued-started.json`);
      const queuedHooks = recordingHooks();
      const queued = executor.execute(attemptOf('hangs.mjs', { input: { startedFile } }), queuedHooks);
      queuedHooks.controller.abort(new Error('cancelled while queued'));
      expect((await rejectionOf(queued)).code).toBe(ERROR_CODES.CANCELLED);
      busy.controller.abort(new Error('done waiting'));
      await rejectionOf(running);
      // The next attempt runs on the thread the cancelled one would have taken first.
      await executor.execute(attemptOf('echo.mjs'), recordingHooks());
      expect(existsSync(startedFile)).toBe(false);
    } finally {
      await executor.close();
    }
  });
});
