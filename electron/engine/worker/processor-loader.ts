import { pathToFileURL } from './builtins.ts';
import { localGraph } from './import-graph.ts';
import { INSTANCE_FACTORY_MARK, INSTANCE_QUERY, INSTANCE_TAG, PRELOAD_QUERY, freshModuleHooksInstalled, preloadSources } from './instance-query.ts';

// pathToFileURL is not free and a reused worker sees the same few processors thousands of times.
const fileUrls = new Map<string, string>();
function fileUrlOf(path: string): string {
  let url = fileUrls.get(path);
  if (url === undefined) {
    url = pathToFileURL(path).href;
    if (fileUrls.size > 1000) fileUrls.clear();
    fileUrls.set(path, url);
  }
  return url;
}

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

/** The processor's instance factory (instance-factory.ts), or why it has none. */
async function factoryOf(url: string): Promise<{ factory: () => Promise<unknown> } | { reason: string }> {
  const mod = (await import(`${url}${INSTANCE_QUERY}`)) as Record<string, unknown>;
  if (mod[INSTANCE_FACTORY_MARK] === true && typeof mod.default === 'function') return { factory: mod.default as () => Promise<unknown> };
  return { reason: typeof mod.reason === 'string' ? mod.reason : 'the module loader did not rewrite it' };
}

/** Imports, once, the packages the processor's local files import, from where each file imports them. */
async function preloadPackages(packageImports: Map<string, string[]>): Promise<void> {
  for (const [fileUrl, specifiers] of packageImports) {
    preloadSources.set(fileUrl, specifiers.map((s) => `import ${JSON.stringify(s)};`).join('\n'));
    try {
      await import(`${fileUrl}${PRELOAD_QUERY}`);
    } catch {
      // The fresh instance imports them again and reports the failure as the attempt's.
    }
  }
}

/**
 * Prepares fresh instances of the processor at `path` for a reused worker. Its packages (node_modules)
 * are loaded here, once; its own modules are instantiated per attempt:
 * - a processor that imports no local file: rewritten once into an instance factory, so an instance is
 *   a function call;
 * - one that does (or that the rewriter cannot handle): its whole local graph is imported again under a
 *   new `?dproc-instance=N` per attempt (the loader hooks pass the tag to every local import);
 * - a CommonJS processor (require() has its own cache) is shared, and says so in sharedBecause.
 * Throws what importing the packages threw only through instance(), as a plain import would.
 */
export async function prepareFresh(path: string): Promise<FreshProcessor> {
  const url = fileUrlOf(path);
  if (!freshModuleHooksInstalled()) return shared(url, 'this Node has no module.registerHooks');
  const graph = localGraph(url);
  if (graph.local.length === 1) {
    let found: Awaited<ReturnType<typeof factoryOf>> | undefined;
    try {
      found = await factoryOf(url);
    } catch {
      found = undefined; // a package that does not load: the tagged import below reports it per attempt
    }
    if (found && 'factory' in found) return { instance: found.factory, modulesPerInstance: 0 };
    if (found && /CommonJS/.test(found.reason)) return shared(url, found.reason);
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

/** The default export of a processor module, imported as it is (a single-use worker is fresh already). */
export async function importProcessor(path: string): Promise<unknown> {
  return ((await import(fileUrlOf(path))) as { default?: unknown }).default;
}
