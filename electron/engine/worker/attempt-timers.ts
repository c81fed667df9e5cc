// Timers an attempt leaves running would fire during a later attempt on a reused worker: their console
// output would land in its log, their throw would fail it. So a reused worker wraps the global timer
// functions once (globalThis and node:timers, which are the same functions) and, while an attempt is
// being tracked, remembers what it started; when the attempt ends, whatever is still pending is cleared.
// Timers started outside tracking (a package's own, while it is first imported) are left alone.

type Handle = unknown;
type Starter = (...args: unknown[]) => Handle;

const timers = process.getBuiltinModule('node:timers') as unknown as Record<string, Starter>;
const module_ = process.getBuiltinModule('node:module') as { syncBuiltinESMExports?: () => void };

/** The handles the tracked attempt started and has not cleared, with how to clear each (null: not tracking). */
let tracked: Map<Handle, (handle: Handle) => void> | null = null;
/** One map for every attempt: most attempts start no timer, and a pooled thread runs thousands a second. */
const handles = new Map<Handle, (handle: Handle) => void>();
let installed = false;

const KINDS = [
  ['setTimeout', 'clearTimeout', true],
  ['setInterval', 'clearInterval', false],
  ['setImmediate', 'clearImmediate', true],
] as const;

/** Wraps one starter so that its handles are tracked; one-shot timers forget themselves when they fire. */
function wrapStarter(start: Starter, clear: (handle: Handle) => void, oneShot: boolean): Starter {
  const wrapped = function (this: unknown, callback: unknown, ...rest: unknown[]): Handle {
    const set = tracked;
    if (set === null || typeof callback !== 'function') return start.call(this, callback, ...rest);
    let handle: Handle;
    const run = oneShot
      ? function (this: unknown, ...args: unknown[]): unknown {
          set.delete(handle);
          return (callback as (...a: unknown[]) => unknown).apply(this, args);
        }
      : callback;
    handle = start.call(this, run, ...rest);
    set.set(handle, clear);
    return handle;
  };
  // setTimeout[util.promisify.custom] and friends stay reachable.
  for (const key of Reflect.ownKeys(start)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(start, key);
    if (descriptor) Reflect.defineProperty(wrapped, key, descriptor);
  }
  Object.defineProperty(wrapped, 'name', { value: start.name });
  return wrapped;
}

/** Wraps one clearer so that a cleared handle is forgotten at once. */
function wrapClearer(clear: (handle: Handle) => void): (handle: Handle) => void {
  return function (this: unknown, handle: Handle): void {
    tracked?.delete(handle);
    clear.call(this, handle);
  };
}

/** Installs the wrappers (once per worker, before its global state is captured). */
export function installTimerTracking(): void {
  if (installed) return;
  installed = true;
  for (const [startName, clearName, oneShot] of KINDS) {
    const start = timers[startName];
    const clear = timers[clearName] as unknown as (handle: Handle) => void;
    const wrappedStart = wrapStarter(start, clear, oneShot);
    const wrappedClear = wrapClearer(clear);
    for (const target of [globalThis as unknown as Record<string, unknown>, timers as unknown as Record<string, unknown>]) {
      target[startName] = wrappedStart;
      target[clearName] = wrappedClear;
    }
  }
  // `import { setTimeout } from 'node:timers'` reads the ESM facade: bring it in line.
  module_.syncBuiltinESMExports?.();
}

/** Starts remembering the timers started from now on (the attempt's own code runs next). */
export function trackTimers(): void {
  handles.clear();
  tracked = handles;
}

/** Stops remembering and clears what is still pending. */
export function clearTrackedTimers(): void {
  const set = tracked;
  tracked = null;
  if (set === null) return;
  for (const [handle, clear] of set) clear(handle);
  set.clear();
}
