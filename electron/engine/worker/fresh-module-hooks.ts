import * as nodeModule from 'node:module';
import { toInstanceFactory } from './instance-factory.ts';

/** The query that makes `import()` give a fresh module instance per attempt (the slow way, see below). */
export const FRESH_QUERY = '?attempt=';

/** The query under which a processor's instance factory (see instance-factory.ts) is served. */
export const INSTANCE_QUERY = '?dproc=instance';

interface LoadedSource {
  format: string | null | undefined;
  source: unknown;
}

type RegisterHooks = (hooks: {
  resolve?: (specifier: string, context: unknown, next: (s: string, c?: unknown) => { url: string }) => { url: string; format?: string; shortCircuit?: boolean };
  load?: (url: string, context: unknown, next: (u: string, c?: unknown) => LoadedSource) => LoadedSource & { shortCircuit?: boolean };
}) => unknown;

type StripTypes = (code: string) => string;

/** What the factory module exports when the processor cannot be rewritten: the caller falls back. */
const NO_FACTORY = 'export default null;\n';

let installed = false;

/** True once the hooks are installed in this thread (the `?dproc=instance` URL means nothing without them). */
export function freshModuleHooksInstalled(): boolean {
  return installed;
}

/** TypeScript → JavaScript with Node's own stripper, without the one-off ExperimentalWarning it prints. */
function stripTypes(code: string): string {
  const strip = (nodeModule as unknown as { stripTypeScriptTypes?: StripTypes }).stripTypeScriptTypes;
  if (typeof strip !== 'function') throw new Error('this Node has no stripTypeScriptTypes');
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  try {
    return strip(code);
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** The source of the factory module for a processor, as loaded by the default loader. */
function factorySource(loaded: LoadedSource): string {
  if (loaded.source == null) return NO_FACTORY;
  const text = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source as Uint8Array);
  if (loaded.format === 'module') return toInstanceFactory(text) ?? NO_FACTORY;
  if (loaded.format === 'module-typescript') return toInstanceFactory(stripTypes(text)) ?? NO_FACTORY;
  return NO_FACTORY; // CommonJS, JSON, wasm…: imported the slow way
}

/**
 * In-thread module hooks (module.registerHooks, Node >= 22.15) for reused (`pooled`) threads:
 * - `<file URL>?dproc=instance` loads the processor rewritten into an instance factory (the fast way:
 *   one module per thread, a fresh instance per attempt is a function call);
 * - `<file URL>?attempt=<id>` (the fallback, for a processor that cannot be rewritten) is resolved
 *   without the resolver and its source comes from memory, so only compile/link/evaluate remain.
 * Without registerHooks nothing is installed and both go through the default loader.
 */
export function installFreshModuleHooks(): void {
  const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (installed || typeof registerHooks !== 'function') return;
  installed = true;
  const sources = new Map<string, LoadedSource>();
  registerHooks({
    resolve(specifier, context, next) {
      if (specifier.startsWith('file:') && (specifier.includes(FRESH_QUERY) || specifier.endsWith(INSTANCE_QUERY))) {
        return { url: specifier, shortCircuit: true };
      }
      return next(specifier, context);
    },
    load(url, context, next) {
      if (url.endsWith(INSTANCE_QUERY)) {
        const base = url.slice(0, -INSTANCE_QUERY.length);
        return { format: 'module', source: factorySource(next(base, context)), shortCircuit: true };
      }
      const q = url.indexOf(FRESH_QUERY);
      if (q < 0) return next(url, context);
      const base = url.slice(0, q);
      let loaded = sources.get(base);
      if (!loaded) {
        const first = next(url, context);
        loaded = { format: first.format, source: first.source };
        // Only a module whose source we hold can be replayed; anything else goes the default way each time.
        if (loaded.source == null) return first;
        sources.set(base, loaded);
      }
      return { format: loaded.format, source: loaded.source, shortCircuit: true };
    },
  });
}
