import { deserialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.ts';
import { ISOLATION_LEVELS } from '../../shared/states.ts';
import { createExecutor } from '../../electron/engine/executors/create-executor.ts';
import type { Executor } from '../../electron/engine/executors/executor.ts';
import { attemptOf, recordingHooks, rejectionOf } from '../fixtures/processors/harness.ts';

// What the README's isolation table promises, for every level, against a fixture that tries to break
// it (isolation/breaker.mjs): with one worker, every attempt after the first runs where the earlier
// ones ran (reused levels) or in a new worker (thread), and must find nothing they left behind.

interface Seen {
  module: number;
  helper: number;
  global: unknown;
  arrayMethod: string;
  stringifyPatched: boolean;
  mathRandom: boolean;
  env: unknown;
  exitListeners: number;
  threadId: number;
  pid: number;
}

const CLEAN = { module: 1, helper: 1, global: undefined, arrayMethod: 'undefined', stringifyPatched: false, mathRandom: false, env: undefined };
/** `pooled` documents that globals carry over between attempts on a thread: only module state is fresh. */
const MODULES_FRESH = { module: 1, helper: 1 };

describe.each(ISOLATION_LEVELS)('isolation %s', (kind) => {
  const clean = kind === 'pooled' ? MODULES_FRESH : CLEAN;
  let executor: Executor;
  beforeAll(() => {
    executor = createExecutor(kind, 1);
  });
  afterAll(() => executor.close());

  async function breaker(mode?: string): Promise<{ seen: Seen; logs: string[] }> {
    const hooks = recordingHooks();
    const seen = deserialize(await executor.execute(attemptOf('isolation/breaker.mjs', { input: { mode } }), hooks)) as Seen;
    return { seen, logs: hooks.logs.map((l) => l.text) };
  }

  it('gives every attempt fresh module state (its own and its local imports), and globals, built-ins, env and listeners but in pooled', async () => {
    const first = await breaker();
    const second = await breaker();
    const third = await breaker();
    for (const { seen } of [first, second, third]) expect(seen).toMatchObject(clean);
    if (kind === 'pooled') {
      expect([second.seen.global, second.seen.arrayMethod, second.seen.env]).toEqual(['left by an earlier attempt', 'function', 'left']);
    } else {
      expect(second.seen.exitListeners).toBe(first.seen.exitListeners);
    }
    if (kind !== 'thread') expect([second.seen.pid, second.seen.threadId]).toEqual([first.seen.pid, first.seen.threadId]);
  });

  it('gives a fresh instance to local modules that import each other in a cycle', async () => {
    const outputs: unknown[] = [];
    for (let i = 0; i < 3; i++) outputs.push(deserialize(await executor.execute(attemptOf('isolation/cycle-a.mjs'), recordingHooks())));
    expect(outputs).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it('stops the timers an attempt left running, so they never fire during a later one', async () => {
    await breaker();
    // Long enough for the leftover interval (5 ms) and timeout (40 ms) to fire, were they still set.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const next = await breaker();
    expect(next.seen).toMatchObject(clean);
    expect(next.logs).not.toContain('leftover interval fired');
  });

  it('fails the attempt that left a rejection unhandled, and only that one', async () => {
    const error = await rejectionOf(executor.execute(attemptOf('isolation/breaker.mjs', { input: { mode: 'reject' } }), recordingHooks()));
    expect(error.code).toBe(ERROR_CODES.PROCESSOR_THREW);
    expect(error.message).toContain('left unhandled after returning');
    expect((await breaker()).seen).toMatchObject(clean);
  });

  it.each([
    ['a throw', 'throws.mjs', 256, ERROR_CODES.PROCESSOR_THREW],
    ['process.exit', 'exits.mjs', 256, ERROR_CODES.WORKER_EXITED],
    ['an unstorable result', 'returns-function.mjs', 256, ERROR_CODES.UNSTORABLE_RESULT],
    ['heap exhaustion', 'exhausts-memory.mjs', 48, ERROR_CODES.OUT_OF_MEMORY],
  ])('fails only the attempt with %s: the next one runs clean', async (_what, fixture, memoryLimitMb, code) => {
    await breaker();
    const error = await rejectionOf(executor.execute(attemptOf(fixture, { memoryLimitMb, input: { code: 7 } }), recordingHooks()));
    expect(error.code).toBe(code);
    expect((await breaker()).seen).toMatchObject(clean);
  });
});
