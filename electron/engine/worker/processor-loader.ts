import { pathToFileURL } from './builtins.ts';

// Loaded by every worker: nothing here may pull in the rewriter (acorn), which only reused workers need
// (fresh-processor.ts), so that a single-use thread starts lighter.

// pathToFileURL is not free and a reused worker sees the same few processors thousands of times.
const fileUrls = new Map<string, string>();
/** The file URL of a processor path, cached. */
export function fileUrlOf(path: string): string {
  let url = fileUrls.get(path);
  if (url === undefined) {
    url = pathToFileURL(path).href;
    if (fileUrls.size > 1000) fileUrls.clear();
    fileUrls.set(path, url);
  }
  return url;
}

/** The default export of a processor module, imported as it is (a single-use worker is fresh already). */
export async function importProcessor(path: string): Promise<unknown> {
  return ((await import(fileUrlOf(path))) as { default?: unknown }).default;
}
