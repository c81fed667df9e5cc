// What the processor loader and the loader hooks of a pooled thread agree on, in a module of its own:
// single-use workers load the processor loader too, and must not pay for the rewriter (acorn) at start.

/** The query under which a processor's instance factory (see instance-factory.ts) is served. */
export const INSTANCE_QUERY = '?dproc=instance';

/**
 * The query that makes a fresh instance of a processor that imports local modules: the processor and
 * every local module it imports, directly or not, are loaded under `?dproc-instance=N`, a new N per
 * attempt (the loader hooks pass the tag on; packages from node_modules keep their one instance).
 */
export const INSTANCE_TAG = '?dproc-instance=';

/**
 * `<local file URL>?dproc-preload` is a module that imports, by the same names and from the same place,
 * the packages that file imports: loading the packages of a processor's local graph once per worker,
 * before its first fresh instance, so that what they set up when first loaded is kept.
 */
export const PRELOAD_QUERY = '?dproc-preload';

/** The source of each preload module, by the URL of the local file it stands beside. */
export const preloadSources = new Map<string, string>();

/**
 * Exported `true` by every factory module, so that a loader that ignored the rewrite (and served the
 * processor itself) is never mistaken for one: the processor would be called as its own factory.
 */
export const INSTANCE_FACTORY_MARK = 'isDprocInstanceFactory';

let hooksInstalled = false;

/** Records that this thread's loader serves instance factories (fresh-module-hooks.ts). */
export function markFreshModuleHooksInstalled(): void {
  hooksInstalled = true;
}

/** True once the hooks are installed in this thread (the `?dproc=instance` URL means nothing without them). */
export function freshModuleHooksInstalled(): boolean {
  return hooksInstalled;
}
