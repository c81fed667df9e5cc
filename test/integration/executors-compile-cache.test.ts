import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PooledExecutor } from '../../electron/engine/executors/pooled-executor.ts';
import { ProcessExecutor } from '../../electron/engine/executors/process-executor.ts';
import { ThreadExecutor } from '../../electron/engine/executors/thread-executor.ts';
import { attemptOf, recordingHooks } from '../fixtures/processors/harness.ts';

// Regression: every pooled attempt imported its processor under a new URL, and with Node's compile cache
// on, each one left a cache file behind (2 million files, 7.7 GB in /tmp after a few benchmark runs) and
// the cache's per-module bookkeeping halved a pooled thread's throughput. A reused worker still imports a
// processor with local imports under a new URL per attempt (its fresh instance), so reused workers run
// without the compile cache; single-use workers import a processor under one URL and keep it.

function countFiles(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    n += statSync(p).isDirectory() ? countFiles(p) : 1;
  }
  return n;
}

let cacheDir: string;
let saved: string | undefined;
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'dproc-compile-cache-'));
  saved = process.env.NODE_COMPILE_CACHE;
  process.env.NODE_COMPILE_CACHE = cacheDir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.NODE_COMPILE_CACHE;
  else process.env.NODE_COMPILE_CACHE = saved;
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('the compile cache does not grow with every attempt', () => {
  it.each([
    ['pooled threads', () => new PooledExecutor(2)],
    ['reused threads (isolation thread)', () => new ThreadExecutor(2)],
    ['reused child processes', () => new ProcessExecutor(2)],
  ])('%s run without it, so 30 fresh instances of a processor with local imports leave no file', async (_what, create) => {
    const executor = create();
    try {
      for (let i = 0; i < 30; i++) await executor.execute(attemptOf('fresh-instance/processor.mjs'), recordingHooks());
      expect(deserialize(await executor.execute(attemptOf('compile-cache-dir.mjs'), recordingHooks()))).toBeNull();
    } finally {
      await executor.close();
    }
    expect(countFiles(cacheDir)).toBe(0);
  });

  it('single-use threads keep the compile cache the coordinator was given', async () => {
    const executor = new ThreadExecutor(1, { attemptsPerThread: 1 });
    try {
      const dir = deserialize(await executor.execute(attemptOf('compile-cache-dir.mjs'), recordingHooks()));
      expect(dir).toContain(cacheDir);
    } finally {
      await executor.close();
    }
  });

  it('single-use threads import the processor under its own URL, so its cache entry is reused', async () => {
    const run = async (n: number) => {
      const executor = new ThreadExecutor(1, { attemptsPerThread: 1 });
      try {
        for (let i = 0; i < n; i++) await executor.execute(attemptOf('echo.mjs'), recordingHooks());
      } finally {
        await executor.close();
      }
      return countFiles(cacheDir);
    };
    const afterTwo = await run(2);
    const afterEight = await run(6);
    expect(afterEight).toBe(afterTwo);
  });
});
