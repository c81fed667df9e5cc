import { pathToFileURL } from 'node:url';
import { FRESH_QUERY, INSTANCE_QUERY, freshModuleHooksInstalled } from './fresh-module-hooks.ts';

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

/** Instance factories per processor URL in this thread; null: the processor cannot be rewritten. */
const factories = new Map<string, InstanceFactory | null>();

async function factoryOf(url: string): Promise<InstanceFactory | null> {
  let factory = factories.get(url);
  if (factory !== undefined) return factory;
  try {
    const exported = ((await import(`${url}${INSTANCE_QUERY}`)) as { default?: unknown }).default;
    factory = typeof exported === 'function' ? (exported as InstanceFactory) : null;
  } catch {
    // A dependency that does not load, say: the fallback import below reports it as it would anyway.
    factory = null;
  }
  factories.set(url, factory);
  return factory;
}

/**
 * The default export of a processor module for one attempt. `fresh` (a worker that runs many attempts):
 * a new instance of the module, so its module-level state starts clean; normally from the processor's
 * instance factory (a function call), else by importing it under a new URL (a new module, ~60 µs and
 * never freed). Otherwise the module is imported as it is: a single-use worker is fresh already.
 * Throws what loading or evaluating the module threw.
 */
export async function loadProcessor(path: string, opts: { fresh: boolean; attemptId: string }): Promise<unknown> {
  const url = fileUrlOf(path);
  if (!opts.fresh) return ((await import(url)) as { default?: unknown }).default;
  const factory = freshModuleHooksInstalled() ? await factoryOf(url) : null;
  if (factory) return factory();
  return ((await import(`${url}${FRESH_QUERY}${encodeURIComponent(opts.attemptId)}`)) as { default?: unknown }).default;
}
