import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The environment workers start with: the coordinator's, plus (for single-use workers) Node's on-disk
 * compile cache. Every new `thread` or `process` worker otherwise re-strips and re-compiles the engine's
 * TypeScript worker code (~50 ms of its ~90 ms start-up here). A cache the user configured (or disabled
 * with NODE_DISABLE_COMPILE_CACHE) is left alone.
 *
 * Reused (`pooled`) threads run WITHOUT the compile cache. They import each processor under a new URL
 * per attempt (fresh module state), and with the cache on, Node looks every one of those up on disk,
 * keeps it, and serialises a code cache for each at thread exit: measured here, that halved a pooled
 * thread's throughput (3,200 vs 6,900 no-op attempts/s) and wrote one file per attempt to /tmp. A pooled
 * thread starts once per thousands of attempts, so the ~40 ms more it takes to start uncached is noise.
 */
export function workerEnv(opts: { reused?: boolean } = {}): NodeJS.ProcessEnv {
  if (opts.reused) {
    const { NODE_COMPILE_CACHE: _unused, ...env } = process.env;
    return { ...env, NODE_DISABLE_COMPILE_CACHE: '1' };
  }
  if (process.env.NODE_DISABLE_COMPILE_CACHE || process.env.NODE_COMPILE_CACHE) return { ...process.env };
  return { ...process.env, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
}
