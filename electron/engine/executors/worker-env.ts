import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The environment workers start with: the coordinator's, plus Node's on-disk compile cache. Every new
 * thread or child otherwise re-strips and re-compiles the engine's TypeScript worker code (~50 ms of its
 * ~90 ms start-up here); with the cache a start costs about what a built .js entry does. A cache the
 * user configured (or disabled with NODE_DISABLE_COMPILE_CACHE) is left alone.
 *
 * Reused (`pooled`) threads get no compile cache at all: they import each processor under a new URL per
 * attempt (fresh module state), and Node writes a cache entry per URL: measured here, 2 million files and
 * 7.7 GB in /tmp after a few benchmark runs, and ~25% slower attempts. Their start-up is rare anyway.
 */
export function workerEnv(opts: { reused?: boolean } = {}): NodeJS.ProcessEnv {
  if (opts.reused) {
    const { NODE_COMPILE_CACHE: _unused, ...env } = process.env;
    return { ...env, NODE_DISABLE_COMPILE_CACHE: '1' };
  }
  if (process.env.NODE_COMPILE_CACHE || process.env.NODE_DISABLE_COMPILE_CACHE) return { ...process.env };
  return { ...process.env, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
}
