import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The environment workers start with: the coordinator's, plus Node's on-disk compile cache. Every new
 * thread or child otherwise re-strips and re-compiles the engine's TypeScript worker code (~50 ms of its
 * ~90 ms start-up here); with the cache a start costs about what a built .js entry does. A cache the
 * user configured (or disabled with NODE_DISABLE_COMPILE_CACHE) is left alone.
 */
export function workerEnv(): NodeJS.ProcessEnv {
  if (process.env.NODE_COMPILE_CACHE || process.env.NODE_DISABLE_COMPILE_CACHE) return { ...process.env };
  return { ...process.env, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
}
