// What the processor loader and the loader hooks of a pooled thread agree on, in a module of its own:
// single-use workers load the processor loader too, and must not pay for the rewriter (acorn) at start.

/** The query under which a processor's instance factory (see instance-factory.ts) is served. */
export const INSTANCE_QUERY = '?dproc=instance';

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
