import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PooledExecutor } from '../../electron/engine/executors/pooled-executor.ts';
import { ThreadExecutor } from '../../electron/engine/executors/thread-executor.ts';
import { attemptOf, recordingHooks } from '../fixtures/processors/harness.ts';

// Regression: every pooled attempt imports its processor under a new URL, and with Node's compile cache on,
// each one left a cache file behind (2 million files, 7.7 GB in /tmp after a few benchmark runs) and the
// cache's per-module bookkeeping halved a pooled thread's throughput. Every worker now imports a processor
// under one URL (a pooled thread: its instance factory, once), so the cache stops growing after the first.

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
  it('pooled threads use the compile cache, with one entry per processor, not one per attempt', async () => {
    const run = async (n: number) => {
      const executor = new PooledExecutor(2);
      const dirs: unknown[] = [];
      try {
        for (let i = 0; i < n; i++) dirs.push(deserialize(await executor.execute(attemptOf('compile-cache-dir.mjs'), recordingHooks())));
      } finally {
        await executor.close();
      }
      for (const dir of dirs) expect(dir).toContain(cacheDir);
      return countFiles(cacheDir);
    };
    const afterTwo = await run(2);
    const afterThirty = await run(30);
    expect(afterThirty).toBe(afterTwo);
  });

  it('single-use threads keep the compile cache the coordinator was given', async () => {
    const executor = new ThreadExecutor(1);
    try {
      const dir = deserialize(await executor.execute(attemptOf('compile-cache-dir.mjs'), recordingHooks()));
      expect(dir).toContain(cacheDir);
    } finally {
      await executor.close();
    }
  });

  it('single-use threads import the processor under its own URL, so its cache entry is reused', async () => {
    const run = async (n: number) => {
      const executor = new ThreadExecutor(1);
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
