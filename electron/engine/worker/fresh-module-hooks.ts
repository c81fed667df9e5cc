import * as nodeModule from 'node:module';
import { quote } from './builtins.ts';
import { isLocalModule } from './import-graph.ts';
import { toInstanceFactory } from './instance-factory.ts';
import { stripTypes } from './strip-types.ts';
import { INSTANCE_QUERY, INSTANCE_TAG, PRELOAD_QUERY, freshModuleHooksInstalled, markFreshModuleHooksInstalled, preloadSources } from './instance-query.ts';

interface LoadedSource {
  format: string | null | undefined;
  source: unknown;
}

interface ResolveContext {
  parentURL?: string;
}

type RegisterHooks = (hooks: {
  resolve?: (
    specifier: string,
    context: ResolveContext,
    next: (s: string, c?: ResolveContext) => { url: string; format?: string | null },
  ) => { url: string; format?: string | null; shortCircuit?: boolean };
  load?: (url: string, context: unknown, next: (u: string, c?: unknown) => LoadedSource) => LoadedSource & { shortCircuit?: boolean };
}) => unknown;

/** A factory module that exports no factory, and says why (the caller imports the processor as it is). */
function noFactory(reason: string): string {
  return `export default null;\nexport const reason = ${quote(reason)};\n`;
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

/** The `?dproc-instance=N` tag of a URL, or '' (see instance-query.ts). */
function tagOf(url: string | undefined): string {
  const at = url?.indexOf(INSTANCE_TAG) ?? -1;
  return at < 0 ? '' : url!.slice(at);
}

/**
 * In-thread module hooks (module.registerHooks, Node >= 22.15) for reused workers:
 * - `<file URL>?dproc=instance` loads the processor rewritten into an instance factory: one module per
 *   worker and processor, and a fresh instance per attempt for the price of a function call;
 * - a local module (outside node_modules) imported by a module whose URL carries `?dproc-instance=N`
 *   gets the same tag: the processor's local graph is instantiated afresh per attempt, its packages not.
 * Without registerHooks nothing is installed and the caller imports processors as they are.
 */
export function installFreshModuleHooks(): void {
  const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (freshModuleHooksInstalled() || typeof registerHooks !== 'function') return;
  markFreshModuleHooksInstalled();
  registerHooks({
    resolve(specifier, context, next) {
      if (specifier.startsWith('file:') && (specifier.endsWith(INSTANCE_QUERY) || specifier.endsWith(PRELOAD_QUERY))) {
        return { url: specifier, shortCircuit: true };
      }
      const tag = tagOf(context.parentURL);
      const resolved = next(specifier, context);
      if (tag === '' || !isLocalModule(resolved.url) || resolved.url.includes(INSTANCE_TAG)) return resolved;
      return { ...resolved, url: resolved.url + tag, shortCircuit: true };
    },
    load(url, context, next) {
      if (url.endsWith(PRELOAD_QUERY)) {
        return { format: 'module', source: preloadSources.get(url.slice(0, -PRELOAD_QUERY.length)) ?? '', shortCircuit: true };
      }
      if (!url.endsWith(INSTANCE_QUERY)) return next(url, context);
      return { format: 'module', source: factorySource(next(url.slice(0, -INSTANCE_QUERY.length), context)), shortCircuit: true };
    },
  });
}
