import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../shared/errors.ts';
import { ProcessExecutor } from '../../electron/engine/executors/process-executor.ts';
import { attemptOf, recordingHooks, rejectionOf } from '../fixtures/processors/harness.ts';

// Isolation `process`: reused child processes (or one per attempt), which also contain native crashes.

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

  it('reuses a child of the same Node binary per heap limit, and each attempt still gets fresh module and global state', async () => {
    const one = new ProcessExecutor(1);
    try {
      const counters: { module: number; global: number; pid: number; execPath: string; execArgv: string[] }[] = [];
      for (const memoryLimitMb of [300, 300, 300, 400]) {
        counters.push(deserialize(await one.execute(attemptOf('counters.mjs', { memoryLimitMb }), recordingHooks())) as (typeof counters)[number]);
      }
      expect(counters.map((c) => [c.module, c.global])).toEqual([
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
      ]);
      expect(new Set(counters.slice(0, 3).map((c) => c.pid)).size).toBe(1);
      expect(counters[3].pid).not.toBe(counters[0].pid);
      expect(counters.every((c) => c.pid !== process.pid && c.execPath === process.execPath)).toBe(true);
      expect(counters.map((c) => c.execArgv)).toEqual([
        ['--max-old-space-size=300'],
        ['--max-old-space-size=300'],
        ['--max-old-space-size=300'],
        ['--max-old-space-size=400'],
      ]);
    } finally {
      await one.close();
    }
  });

  it('runs every attempt in a new process when attemptsPerChild is 1', async () => {
    const single = new ProcessExecutor(2, { attemptsPerChild: 1 });
    try {
      const outputs = await Promise.all([1, 2, 3].map(() => single.execute(attemptOf('counters.mjs'), recordingHooks())));
      expect(new Set(outputs.map((o) => (deserialize(o) as { pid: number }).pid)).size).toBe(3);
    } finally {
      await single.close();
    }
  });

  it('replaces a child that died between attempts', async () => {
    const one = new ProcessExecutor(1);
    try {
      const first = deserialize(await one.execute(attemptOf('counters.mjs'), recordingHooks())) as { pid: number };
      process.kill(first.pid, 'SIGKILL');
      await vi.waitFor(() => expect(isAlive(first.pid)).toBe(false), { timeout: 10_000 });
      const second = deserialize(await one.execute(attemptOf('counters.mjs'), recordingHooks())) as { pid: number };
      expect(second.pid).not.toBe(first.pid);
    } finally {
      await one.close();
    }
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

describe('the process executor\'s children started ahead of need', () => {
  let executor: ProcessExecutor | undefined;
  afterEach(async () => {
    await executor?.close();
    executor = undefined;
  });

  it('keeps its single-use spares forked when no forecast comes', async () => {
    executor = new ProcessExecutor(2, { attemptsPerChild: 1 });
    await executor.execute(attemptOf('echo.mjs', { input: 1 }), recordingHooks());
    await vi.waitFor(() => expect(children()).toHaveLength(2), { timeout: 10_000 });
  });

  it('forks no single-use spare while none is forecast, and then as many as forecast', async () => {
    executor = new ProcessExecutor(2, { attemptsPerChild: 1 });
    executor.expect(0);
    await executor.execute(attemptOf('echo.mjs', { input: 1 }), recordingHooks());
    await vi.waitFor(() => expect(children()).toHaveLength(0), { timeout: 10_000 });
    executor.expect(1);
    await vi.waitFor(() => expect(children()).toHaveLength(1), { timeout: 10_000 });
  });

  it('starts children ahead for the forecast attempts only, up to its concurrency, and keeps them between attempts', async () => {
    executor = new ProcessExecutor(3);
    executor.expect(0);
    await executor.execute(attemptOf('echo.mjs', { input: 0 }), recordingHooks());
    // The child that ran it stays for later attempts; none is started ahead while none is forecast.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(children()).toHaveLength(1);
    executor.expect(2);
    await vi.waitFor(() => expect(children()).toHaveLength(2), { timeout: 10_000 });
    const before = children();
    // As the coordinator does: the forecast counts attempts still queued, none once these two start.
    executor.expect(0);
    await Promise.all([1, 2].map((input) => executor!.execute(attemptOf('echo.mjs', { input }), recordingHooks())));
    expect(children()).toEqual(before);
    executor.expect(10);
    await vi.waitFor(() => expect(children()).toHaveLength(3), { timeout: 10_000 });
  });

  it('starts the forecast children before the first attempt when told its heap limit, and no extra one for it', async () => {
    executor = new ProcessExecutor(2);
    executor.expect(1, 256);
    await vi.waitFor(() => expect(children()).toHaveLength(1), { timeout: 10_000 });
    const started = children();
    await executor.execute(attemptOf('echo.mjs', { input: 1, memoryLimitMb: 256 }), recordingHooks());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(children()).toEqual(started);
  });
});
