import { quote } from './builtins.ts';
import { localGraph } from './import-graph.ts';
import { INSTANCE_FACTORY_MARK, INSTANCE_QUERY, INSTANCE_TAG, PRELOAD_QUERY, freshModuleHooksInstalled, preloadSources } from './instance-query.ts';
import { fileUrlOf } from './processor-loader.ts';

/** How a reused worker makes a fresh instance of one processor, prepared once per worker. */
export interface FreshProcessor {
  /** Resolves to the default export of a new instance (throws what evaluating the module threw). */
  instance(): Promise<unknown>;
  /**
   * New ES modules each instance() leaves behind (V8 never frees a module): the worker retires once
   * they add up. 0 for an instance factory, which is a function call.
   */
  readonly modulesPerInstance: number;
  /** Set when instances cannot be fresh (a CommonJS processor): every attempt shares one, and why. */
  readonly sharedBecause?: string;
}

let instances = 0;

/** A local module's instance factory: runs its body afresh and resolves to its namespace. */
type ModuleFactory = (localImport: (specifier: string) => Promise<Record<string, unknown>>) => Promise<Record<string, unknown>>;

/** Each local module's instance factory (instance-factory.ts) in this worker, or why it has none. */
const factories = new Map<string, Promise<{ factory: ModuleFactory } | { reason: string }>>();

function factoryOf(url: string): Promise<{ factory: ModuleFactory } | { reason: string }> {
  let found = factories.get(url);
  if (!found) {
    found = (import(`${url}${INSTANCE_QUERY}`) as Promise<Record<string, unknown>>).then((mod) =>
      mod[INSTANCE_FACTORY_MARK] === true && typeof mod.default === 'function'
        ? { factory: mod.default as ModuleFactory }
        : { reason: typeof mod.reason === 'string' ? mod.reason : 'the module loader did not rewrite it' },
    );
    factories.set(url, found);
    found.catch(() => factories.delete(url));
  }
  return found;
}

/** Imports, once, the packages the processor's local files import, from where each file imports them. */
async function preloadPackages(packageImports: Map<string, string[]>): Promise<void> {
  for (const [fileUrl, specifiers] of packageImports) {
    preloadSources.set(fileUrl, specifiers.map((s) => `import ${quote(s)};`).join('\n'));
    try {
      await import(`${fileUrl}${PRELOAD_QUERY}`);
    } catch {
      // The fresh instance imports them again and reports the failure as the attempt's.
    }
  }
}

/** A fresh instance of the local graph from `entry`: every local module instantiated once, by its factory. */
async function instantiate(entry: string, made: Map<string, ModuleFactory>): Promise<unknown> {
  let instances: Map<string, Promise<Record<string, unknown>>> | undefined;
  const instance = (url: string): Promise<Record<string, unknown>> => {
    instances ??= new Map();
    let namespace = instances.get(url);
    if (!namespace) {
      namespace = made.get(url)!((specifier) => instance(new URL(specifier, url).href));
      instances.set(url, namespace);
    }
    return namespace;
  };
  // A processor without local imports (the common case) needs no bookkeeping at all.
  if (made.size === 1) return (await made.get(entry)!((specifier) => instance(new URL(specifier, entry).href))).default;
  return (await instance(entry)).default;
}

/**
 * Prepares fresh instances of the processor at `path` for a reused worker. Its packages (node_modules)
 * are loaded here, once; its own modules are instantiated per attempt:
 * - usually each local module (the processor and the local files it imports) is rewritten once into an
 *   instance factory, so an instance is a few function calls, and its functions stay JIT-warm;
 * - when one cannot be rewritten (see toInstanceFactory) or they import each other in a cycle, the
 *   whole local graph is imported again under a new `?dproc-instance=N` per attempt (the loader hooks
 *   pass the tag to every local import): fresh, but new modules every time;
 * - a CommonJS processor (require() has its own cache) is shared, and says so in sharedBecause.
 * Throws what loading the processor or its packages threw.
 */
export async function prepareFresh(path: string): Promise<FreshProcessor> {
  const url = fileUrlOf(path);
  if (!freshModuleHooksInstalled()) return shared(url, 'this Node has no module.registerHooks');
  const graph = localGraph(url);
  if (!graph.cyclic) {
    const made = new Map<string, ModuleFactory>();
    let reason: string | undefined;
    for (const local of graph.local) {
      const found = await factoryOf(local);
      if ('reason' in found) {
        reason = found.reason;
        break;
      }
      made.set(local, found.factory);
    }
    if (reason === undefined) return { instance: () => instantiate(url, made), modulesPerInstance: 0 };
    if (/CommonJS/.test(reason)) return shared(url, reason);
  }
  await preloadPackages(graph.packageImports);
  return {
    modulesPerInstance: graph.local.length,
    async instance() {
      return ((await import(`${url}${INSTANCE_TAG}${++instances}`)) as { default?: unknown }).default;
    },
  };
}

function shared(url: string, reason: string): FreshProcessor {
  return {
    sharedBecause: reason,
    modulesPerInstance: 0,
    async instance() {
      return ((await import(url)) as { default?: unknown }).default;
    },
  };
}

