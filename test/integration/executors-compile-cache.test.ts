import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PooledExecutor } from '../../electron/engine/executors/pooled-executor.ts';
import { POOLED_COMPILE_CACHE, prunePooledCompileCache, warmPooledCompileCache } from '../../electron/engine/executors/worker-env.ts';
import { workerEntries } from '../../electron/engine/worker/entries.ts';
import { ThreadExecutor } from '../../electron/engine/executors/thread-executor.ts';
import { attemptOf, recordingHooks } from '../fixtures/processors/harness.ts';

// Regression: every pooled attempt imports its processor under a new URL, and with Node's compile cache on,
// each one left a cache file behind (2 million files, 7.7 GB in /tmp after a few benchmark runs). Pooled
// threads now keep a cache of their own, emptied when it grows large; single-use threads need no query.

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
  it("pooled threads leave the user's compile cache alone (theirs is separate and pruned)", async () => {
    const executor = new PooledExecutor(2);
    try {
      for (let i = 0; i < 30; i++) await executor.execute(attemptOf('echo.mjs'), recordingHooks());
    } finally {
      await executor.close();
    }
    expect(countFiles(cacheDir)).toBe(0);
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

  it('the pooled cache is emptied once it holds more files than its limit, and kept below it', () => {
    const dir = join(cacheDir, 'pooled');
    mkdirSync(join(dir, 'v'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'v', `entry-${i}`), 'x');
    prunePooledCompileCache(10, dir);
    expect(countFiles(dir)).toBe(5);
    prunePooledCompileCache(4, dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('an emptied pooled cache is refilled with the engine modules', async () => {
    rmSync(POOLED_COMPILE_CACHE, { recursive: true, force: true }); // only a cache: safe to drop
    await warmPooledCompileCache(workerEntries().thread);
    expect(existsSync(POOLED_COMPILE_CACHE) ? countFiles(POOLED_COMPILE_CACHE) : 0).toBeGreaterThan(5);
  });
});
