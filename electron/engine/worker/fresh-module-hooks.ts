import * as nodeModule from 'node:module';
import { toInstanceFactory } from './instance-factory.ts';
import { INSTANCE_QUERY, freshModuleHooksInstalled, markFreshModuleHooksInstalled } from './instance-query.ts';

interface LoadedSource {
  format: string | null | undefined;
  source: unknown;
}

type RegisterHooks = (hooks: {
  resolve?: (specifier: string, context: unknown, next: (s: string, c?: unknown) => { url: string }) => { url: string; format?: string; shortCircuit?: boolean };
  load?: (url: string, context: unknown, next: (u: string, c?: unknown) => LoadedSource) => LoadedSource & { shortCircuit?: boolean };
}) => unknown;

type StripTypes = (code: string) => string;

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

/** A factory module that exports no factory, and says why (the caller imports the processor as it is). */
function noFactory(reason: string): string {
  return `export default null;\nexport const reason = ${JSON.stringify(reason)};\n`;
}

/** The source of the factory module for a processor, as loaded by the default loader. */
function factorySource(loaded: LoadedSource): string {
  if (loaded.format === 'commonjs') return noFactory('it is a CommonJS module');
  if (loaded.format !== 'module' && loaded.format !== 'module-typescript') return noFactory(`it is not an ES module (${String(loaded.format)})`);
  if (loaded.source == null) return noFactory('its source is not available to the loader');
  const text = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source as Uint8Array);
  const factory = toInstanceFactory(loaded.format === 'module-typescript' ? stripTypes(text) : text);
  return factory ?? noFactory('its default export is re-exported from another module, or its syntax is unknown to the rewriter');
}

/**
 * In-thread module hooks (module.registerHooks, Node >= 22.15) for reused (`pooled`) threads:
 * `<file URL>?dproc=instance` loads the processor rewritten into an instance factory: one module per
 * thread and processor, and a fresh instance per attempt for the price of a function call. Without
 * registerHooks nothing is installed and the caller imports processors as they are.
 */
export function installFreshModuleHooks(): void {
  const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (freshModuleHooksInstalled() || typeof registerHooks !== 'function') return;
  markFreshModuleHooksInstalled();
  registerHooks({
    resolve(specifier, context, next) {
      if (specifier.startsWith('file:') && specifier.endsWith(INSTANCE_QUERY)) return { url: specifier, shortCircuit: true };
      return next(specifier, context);
    },
    load(url, context, next) {
      if (!url.endsWith(INSTANCE_QUERY)) return next(url, context);
      return { format: 'module', source: factorySource(next(url.slice(0, -INSTANCE_QUERY.length), context)), shortCircuit: true };
    },
  });
}
