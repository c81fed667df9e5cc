import { pathToFileURL } from './builtins.ts';
import { INSTANCE_FACTORY_MARK, INSTANCE_QUERY, freshModuleHooksInstalled } from './instance-query.ts';

/** Runs a processor module's body once more and resolves to its default export (see instance-factory.ts). */
type InstanceFactory = () => Promise<unknown>;

// pathToFileURL is not free and a pooled worker sees the same few processors thousands of times.
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

/** A processor's instance factory in this thread, or why it has none. */
type FactoryOrReason = { factory: InstanceFactory } | { reason: string };
const factories = new Map<string, FactoryOrReason>();

/** The processor's instance factory; undefined when loading it threw (a dependency that does not load…). */
async function factoryOf(url: string): Promise<FactoryOrReason | undefined> {
  let found = factories.get(url);
  if (found) return found;
  try {
    const mod = (await import(`${url}${INSTANCE_QUERY}`)) as Record<string, unknown>;
    if (mod[INSTANCE_FACTORY_MARK] === true && typeof mod.default === 'function') found = { factory: mod.default as InstanceFactory };
    else found = { reason: typeof mod.reason === 'string' ? mod.reason : 'the module loader did not rewrite it' };
  } catch {
    return undefined; // the plain import reports the same problem, as it would without pooling
  }
  factories.set(url, found);
  return found;
}

/** Processors this thread already warned about (once per thread is enough to be seen). */
const warned = new Set<string>();

/**
 * The default export of a processor module for one attempt. `fresh` (a worker that runs many attempts):
 * a new instance of the module from its instance factory, so its module-level state starts clean. A
 * processor that cannot be rewritten into one is imported as it is, shared by the attempts on this
 * thread, and the first attempt that does so says so in its log. Not `fresh` (a single-use worker, fresh
 * already): imported as it is. Throws what loading or evaluating the module threw.
 */
export async function loadProcessor(path: string, opts: { fresh: boolean }): Promise<unknown> {
  const url = fileUrlOf(path);
  const found = opts.fresh && freshModuleHooksInstalled() ? await factoryOf(url) : undefined;
  if (found && 'factory' in found) return found.factory();
  const processor = ((await import(url)) as { default?: unknown }).default;
  // Warn only about a processor that will run: a module that does not load fails the attempt anyway.
  if (found && typeof processor === 'function' && !warned.has(url)) {
    warned.add(url);
    console.warn(
      `dproc: isolation "pooled" cannot give ${path} a fresh module instance per attempt (${found.reason}); ` +
        'its module-level state is shared by the attempts that run on the same worker thread. Use isolation "thread" if that matters.',
    );
  }
  return processor;
}
