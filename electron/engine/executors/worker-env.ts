import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The environment workers start with: the coordinator's, plus Node's on-disk compile cache. Every new
 * thread or child otherwise re-strips and re-compiles the engine's TypeScript worker code (~50 ms of its
 * ~90 ms start-up here; 200 pooled threads starting at once then starve the coordinator for seconds). A
 * cache the user configured (or disabled with NODE_DISABLE_COMPILE_CACHE) is left alone.
 *
 * Every worker imports a processor under one URL (a pooled thread: once, as its instance factory), so the
 * cache holds one entry per processor file. (It once held one per attempt: a pooled thread imported each
 * attempt's processor under a new URL, which wrote 2 million files to /tmp and halved its throughput.)
 */
export function workerEnv(): NodeJS.ProcessEnv {
  if (process.env.NODE_DISABLE_COMPILE_CACHE || process.env.NODE_COMPILE_CACHE) return { ...process.env };
  return { ...process.env, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
}

/**
 * The environment of a reused worker: the coordinator's, with Node's compile cache off. A fresh
 * instance of a processor with local imports is a new module URL per attempt, and the cache writes a
 * file for every URL it compiles, at once (measured: 50 instances, 50 files, even after SIGKILL).
 */
export function reusedWorkerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' };
  delete env.NODE_COMPILE_CACHE;
  return env;
}
