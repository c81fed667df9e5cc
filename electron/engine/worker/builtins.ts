// The Node built-ins that code inside a worker uses, loaded with process.getBuiltinModule instead of
// `import`. An ESM import of a built-in builds its ESM facade, which reads every export and so loads
// ~20 more internal modules (util.parseArgs, util.diff, fs.promises, readline…): 2-4 ms of CPU in every
// new thread, that is for every attempt under `thread` isolation (bench/experiments/builtin-facades.ts).

const util = process.getBuiltinModule('node:util');
const v8 = process.getBuiltinModule('node:v8');

/** util.format, as console.log formats its arguments. */
export const format = util.format;
/** util.inspect. */
export const inspect = util.inspect;
/** v8.serialize: how outputs are stored. */
export const serialize = v8.serialize;
/** v8.deserialize. */
export const deserialize = v8.deserialize;
/** v8.getHeapStatistics. */
export const getHeapStatistics = v8.getHeapStatistics;
/** fs.existsSync. */
export const existsSync = process.getBuiltinModule('node:fs').existsSync;
/** url.pathToFileURL. */
export const pathToFileURL = process.getBuiltinModule('node:url').pathToFileURL;
/**
 * JSON.stringify as the worker started with it: the code that rewrites processors runs after attempts
 * on a `pooled` thread, whose globals a processor may have patched (only `process` puts them back).
 */
export const quote: (value: unknown) => string = JSON.stringify.bind(JSON);

let gc: (() => void) | undefined;
/**
 * A full garbage collection, now. A reused thread runs one before it reports a heap above its pool's
 * bound, so that garbage a region left (272,727 parsed rows: ~150 MB until the next collection) is not
 * taken for a leak that retires the thread, and its warm JIT with it.
 */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = process.getBuiltinModule('node:vm').runInNewContext('gc') as () => void;
  }
  gc();
}
