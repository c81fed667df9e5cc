import { readdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where reused (`pooled`) threads keep their compile cache, apart from everything else's. */
export const POOLED_COMPILE_CACHE = join(tmpdir(), 'dproc-compile-cache-pooled');

/** Files in the pooled compile cache above which it is emptied when a pool closes. */
export const POOLED_COMPILE_CACHE_LIMIT = 2_000;

/**
 * The environment workers start with: the coordinator's, plus Node's on-disk compile cache. Every new
 * thread or child otherwise re-strips and re-compiles the engine's TypeScript worker code (~50 ms of its
 * ~90 ms start-up here); with the cache a start costs about what a built .js entry does (and 200 pooled
 * threads starting at once no longer starve the coordinator for seconds). A cache the user configured (or
 * disabled with NODE_DISABLE_COMPILE_CACHE) is left alone.
 *
 * Reused (`pooled`) threads import each processor under a new URL per attempt (fresh module state), and
 * Node keeps a cache entry per URL: 2 million files and 7.7 GB in /tmp after a few benchmark runs. So they
 * get a cache of their own, which prunePooledCompileCache() empties once it is large.
 */
export function workerEnv(opts: { reused?: boolean } = {}): NodeJS.ProcessEnv {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return { ...process.env };
  if (opts.reused) return { ...process.env, NODE_COMPILE_CACHE: POOLED_COMPILE_CACHE };
  if (process.env.NODE_COMPILE_CACHE) return { ...process.env };
  return { ...process.env, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
}

/** Empties the pooled threads' compile cache when it holds more than `limit` files; true when it did. */
export function prunePooledCompileCache(limit = POOLED_COMPILE_CACHE_LIMIT, dir = POOLED_COMPILE_CACHE): boolean {
  let files = 0;
  try {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && ++files > limit) break;
    }
  } catch {
    return false; // no cache yet
  }
  if (files <= limit) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/**
 * Refills an emptied pooled compile cache with the engine's own modules only (one short-lived thread
 * loads `entry` and flushes), so the next pool does not start 200 threads that each compile them again.
 */
export async function warmPooledCompileCache(entry: URL): Promise<void> {
  // Only an engine running from its TypeScript sources gains anything (a bundle's .js entry compiles fast).
  if (!entry.pathname.endsWith('.ts')) return;
  try {
    const worker = new Worker(new URL('../worker/warm-cache-entry.ts', import.meta.url), {
      workerData: { entry: entry.href },
      env: workerEnv({ reused: true }),
    });
    worker.on('error', () => {}); // a cold cache is slower, never wrong
    await once(worker, 'exit');
  } catch {
    // as above: nothing depends on the warm-up
  }
}
