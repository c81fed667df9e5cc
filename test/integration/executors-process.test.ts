import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.ts';
import { ProcessExecutor } from '../../electron/engine/executors/process-executor.ts';
import { attemptOf, recordingHooks, rejectionOf } from '../fixtures/processors/harness.ts';

// Isolation `process`: a child process per attempt, which also contains native crashes.

/** Pids of this process's live children. */
function children(): number[] {
  const list = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8');
  return list.split(' ').filter(Boolean).map(Number);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the process executor', () => {
  let scratch: string;
  let executor: ProcessExecutor;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'dproc-process-'));
    executor = new ProcessExecutor(2);
  });
  afterAll(async () => {
    await executor.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('fails with WORKER_CRASHED naming SIGSEGV on a native crash, and keeps running attempts', async () => {
    const crash = await rejectionOf(executor.execute(attemptOf('native-crash.mjs'), recordingHooks()));
    expect(crash.code).toBe(ERROR_CODES.WORKER_CRASHED);
    expect(crash.signal).toBe('SIGSEGV');
    expect(crash.message).toContain('SIGSEGV');
    const next = await executor.execute(attemptOf('echo.mjs', { input: 'still here' }), recordingHooks());
    expect(deserialize(next)).toMatchObject({ input: 'still here' });
  });

  it('fails with WORKER_CRASHED naming SIGABRT when the processor calls process.abort()', async () => {
    const crash = await rejectionOf(
      executor.execute(attemptOf('native-crash.mjs', { input: { abort: true } }), recordingHooks()),
    );
    expect(crash.code).toBe(ERROR_CODES.WORKER_CRASHED);
    expect(crash.signal).toBe('SIGABRT');
  });

  it('runs every attempt in a new process of the same Node binary, with the attempt heap limit', async () => {
    const outputs = await Promise.all(
      [300, 300, 400].map((memoryLimitMb) => executor.execute(attemptOf('counters.mjs', { memoryLimitMb }), recordingHooks())),
    );
    const counters = outputs.map(
      (output) => deserialize(output) as { module: number; global: number; pid: number; execPath: string; execArgv: string[] },
    );
    expect(counters.map((c) => [c.module, c.global])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(new Set(counters.map((c) => c.pid)).size).toBe(3);
    expect(counters.every((c) => c.pid !== process.pid && c.execPath === process.execPath)).toBe(true);
    expect(counters.map((c) => c.execArgv)).toEqual([
      ['--max-old-space-size=300'],
      ['--max-old-space-size=300'],
      ['--max-old-space-size=400'],
    ]);
  });

  it('kills the child of an aborted attempt that ignores its signal', async () => {
    const startedFile = join(scratch, 'hang-started.json');
    const hooks = recordingHooks();
    const hanging = executor.execute(attemptOf('hangs.mjs', { input: { startedFile } }), hooks);
    await vi.waitFor(() => expect(readFileSync(startedFile, 'utf8')).toContain('pid'), { timeout: 10_000 });
    const { pid } = JSON.parse(readFileSync(startedFile, 'utf8')) as { pid: number };
    expect(isAlive(pid)).toBe(true);
    hooks.controller.abort(new Error('timed out'));
    expect((await rejectionOf(hanging)).code).toBe(ERROR_CODES.CANCELLED);
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false), { timeout: 10_000 });
  });

  it('relays what the processor writes to stdout directly, as stdout log lines', async () => {
    const hooks = recordingHooks();
    await executor.execute(attemptOf('writes-stdout.mjs'), hooks);
    expect(hooks.logs).toContainEqual({ stream: 'stdout', text: 'written past console' });
  });
});

describe('the process executor\'s spare children', () => {
  let executor: ProcessExecutor | undefined;
  afterEach(async () => {
    await executor?.close();
    executor = undefined;
  });

  it('keeps its spares forked when no forecast comes', async () => {
    executor = new ProcessExecutor(2);
    await executor.execute(attemptOf('echo.mjs', { input: 1 }), recordingHooks());
    await vi.waitFor(() => expect(children()).toHaveLength(2), { timeout: 10_000 });
  });

  it('forks none ahead while none is forecast, and then as many as forecast', async () => {
    executor = new ProcessExecutor(2);
    executor.expect(0);
    await executor.execute(attemptOf('echo.mjs', { input: 1 }), recordingHooks());
    await vi.waitFor(() => expect(children()).toHaveLength(0), { timeout: 10_000 });
    executor.expect(1);
    await vi.waitFor(() => expect(children()).toHaveLength(1), { timeout: 10_000 });
  });
});
