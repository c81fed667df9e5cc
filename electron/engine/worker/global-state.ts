// What a reused worker puts back after every attempt, so the next one finds globalThis, the built-ins
// and process.env as the worker started with them: properties added are deleted, properties replaced or
// deleted are restored. A fresh thread or process gets this for free; a reused one must undo by hand.
//
// Checked per attempt, in full (every own property, by identity): globalThis, process.env, the listeners
// on `process`, and the built-ins people patch (HOT: Array.prototype, JSON, Math, console, Promise…).
// Every other built-in constructor or namespace a global name holds (~200 objects) is checked for new
// enumerable properties (what `X.prototype.y = …` adds), which V8 answers from a cache: a full check of
// all of them cost ~300 µs per attempt here, this one ~70 µs, most of it globalThis and process.env (V8 reads both slowly). Not covered: replacing an existing method
// of a built-in outside HOT, objects deeper than those (an iterator prototype…), and state inside
// node_modules packages, which a reused worker shares on purpose (they stay loaded and JIT-warm).

/** Built-ins compared in full after every attempt, by the name builtinObjects() gives them. */
const HOT = new Set([
  'Object', 'Object.prototype', 'Function.prototype', 'Array.prototype', 'String.prototype', 'Number.prototype',
  'Promise', 'Promise.prototype', 'JSON', 'Math', 'Date', 'Error', 'console',
]);

/**
 * The globals whose values are compared and built-ins guarded: ECMAScript's and Node's eager ones. Many
 * other globals of Node are lazy data properties (FormData, TransformStream, CompressionStream…): even
 * reading their descriptor loads their implementation (FormData: undici, ~40 ms), so those are only
 * checked for being added or deleted.
 */
const EAGER_GLOBALS = new Set([
  'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Date', 'Promise', 'RegExp',
  'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
  'JSON', 'Math', 'Reflect', 'Proxy', 'Intl', 'Atomics', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef',
  'FinalizationRegistry', 'parseFloat', 'parseInt', 'isFinite', 'isNaN', 'encodeURI', 'encodeURIComponent',
  'decodeURI', 'decodeURIComponent', 'escape', 'unescape', 'eval', 'globalThis', 'global', 'console', 'process',
  'Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal',
  'EventTarget', 'Event', 'queueMicrotask', 'structuredClone', 'atob', 'btoa', 'setTimeout', 'setInterval',
  'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'fetch',
]);

/** The own properties of one object as the worker started with them. */
interface SavedObject {
  readonly target: object;
  readonly keys: readonly (string | symbol)[];
  readonly keySet: ReadonlySet<string | symbol>;
  readonly descriptors: ReadonlyMap<PropertyKey, PropertyDescriptor>;
  /** The value of each data property (accessors are compared by descriptor). */
  readonly values: ReadonlyMap<PropertyKey, unknown>;
  readonly extensible: boolean;
  readonly proto: object | null;
  /** Compared property by property after every attempt; otherwise only its enumerable keys are counted. */
  readonly full: boolean;
  readonly enumerable: number;
}

/** What restore() found and did. */
export interface RestoreReport {
  /** Properties put back (added ones deleted, changed ones reset), as `object.key`. */
  restored: string[];
  /** Properties that could not be put back (non-configurable, frozen objects): the worker must retire. */
  stuck: string[];
}

function describe(name: string, key: PropertyKey): string {
  return `${name}.${typeof key === 'symbol' ? key.toString() : key}`;
}

function save(target: object, full: boolean, only?: ReadonlySet<PropertyKey>): SavedObject {
  const keys = Reflect.ownKeys(target);
  const descriptors = new Map<PropertyKey, PropertyDescriptor>();
  const values = new Map<PropertyKey, unknown>();
  for (const key of keys) {
    if (only && !only.has(key)) continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
    if (!descriptor) continue;
    descriptors.set(key, descriptor);
    if ('value' in descriptor) values.set(key, descriptor.value);
  }
  return {
    target,
    keys,
    keySet: new Set(keys),
    descriptors,
    values,
    extensible: Object.isExtensible(target),
    proto: Object.getPrototypeOf(target),
    full,
    enumerable: Object.keys(target).length,
  };
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor | undefined): boolean {
  return b !== undefined && a.get === b.get && a.set === b.set && Object.is(a.value, b.value) && a.writable === b.writable;
}

/** Puts one object's own properties back; appends to `report`. */
function restoreObject(saved: SavedObject, name: string, report: RestoreReport): void {
  const { target } = saved;
  if (Object.getPrototypeOf(target) !== saved.proto) {
    if (Reflect.setPrototypeOf(target, saved.proto)) report.restored.push(`${name}.__proto__`);
    else report.stuck.push(`${name}.__proto__`);
  }
  if (saved.extensible && !Object.isExtensible(target)) report.stuck.push(`${name} (made non-extensible)`);
  const now = Reflect.ownKeys(target);
  if (now.length !== saved.keys.length || now.some((key, i) => key !== saved.keys[i])) {
    const nowSet = new Set(now);
    for (const key of now) {
      if (saved.keySet.has(key)) continue;
      if (Reflect.deleteProperty(target, key)) report.restored.push(describe(name, key));
      else report.stuck.push(describe(name, key));
    }
    // A deleted property is put back from its descriptor below; one never read (a lazy global) cannot be.
    for (const key of saved.keys) if (!nowSet.has(key) && !saved.descriptors.has(key)) report.stuck.push(describe(name, key));
  }
  for (const [key, descriptor] of saved.descriptors) {
    // A data property that still holds its value is unchanged (the common case, checked without a descriptor).
    // (Reflect.get allocates nothing; a property redefined as an accessor returns something else and is reset.)
    if (saved.values.has(key)) {
      if (Object.is(Reflect.get(target, key), descriptor.value)) continue;
    } else if (sameDescriptor(descriptor, Reflect.getOwnPropertyDescriptor(target, key))) {
      continue;
    }
    if (Reflect.defineProperty(target, key, descriptor)) report.restored.push(describe(name, key));
    else report.stuck.push(describe(name, key));
  }
}

/** The built-in objects worth guarding: every object or function a global name holds, and its prototype. */
function builtinObjects(): [string, object][] {
  const found: [string, object][] = [];
  const seen = new Set<object>([globalThis]);
  const add = (name: string, value: unknown): void => {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
    seen.add(value);
    found.push([name, value]);
  };
  for (const key of Reflect.ownKeys(globalThis)) {
    if (typeof key !== 'string' || !EAGER_GLOBALS.has(key)) continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(globalThis, key);
    // Accessors are Node's lazy globals (crypto, navigator…): reading them would load them in every worker.
    if (!descriptor || !('value' in descriptor)) continue;
    add(key, descriptor.value);
    const value = descriptor.value as { prototype?: unknown } | null;
    if (typeof value === 'function') add(`${key}.prototype`, value.prototype);
  }
  // Shared by every typed array and by every function: patched more often than most.
  add('TypedArray', Object.getPrototypeOf(Uint8Array));
  add('TypedArray.prototype', Object.getPrototypeOf(Uint8Array.prototype));
  add('AsyncFunction.prototype', Object.getPrototypeOf(async function () {}));
  return found;
}

/**
 * A snapshot of the worker's global state, taken once when the worker is ready (after its own set-up
 * patched console and the timers), and put back after every attempt.
 */
export class GlobalState {
  readonly #saved: [string, SavedObject][];
  readonly #listeners: Map<string | symbol, Function[]>;

  private constructor(saved: [string, SavedObject][], listeners: Map<string | symbol, Function[]>) {
    this.#saved = saved;
    this.#listeners = listeners;
  }

  /** Records globalThis, process.env and the built-ins as they are now. */
  static capture(): GlobalState {
    const objects: [string, object][] = [['globalThis', globalThis], ['process.env', process.env], ...builtinObjects()];
    return new GlobalState(
      objects.map(([name, target]) => [
        name,
        save(target, name === 'globalThis' || name === 'process.env' || HOT.has(name), target === globalThis ? EAGER_GLOBALS : undefined),
      ]),
      new Map(process.eventNames().map((event) => [event, process.rawListeners(event)])),
    );
  }

  /** Puts everything back as captured; says what it had to restore and what it could not. */
  restore(): RestoreReport {
    const report: RestoreReport = { restored: [], stuck: [] };
    for (const [name, saved] of this.#saved) {
      if (saved.full || Object.keys(saved.target).length !== saved.enumerable) restoreObject(saved, name, report);
    }
    this.#restoreListeners(report);
    return report;
  }

  // process.on('exit' | 'SIGTERM' | …) listeners an attempt added would run for later attempts, or at exit.
  #restoreListeners(report: RestoreReport): void {
    for (const event of process.eventNames()) {
      const saved = this.#listeners.get(event) ?? [];
      const now = process.rawListeners(event);
      if (now.length === saved.length) continue;
      for (const listener of now) {
        if (saved.includes(listener)) continue;
        process.removeListener(event, listener as (...args: unknown[]) => void);
        report.restored.push(`process.on(${String(event)})`);
      }
    }
  }
}
