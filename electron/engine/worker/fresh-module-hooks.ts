import * as nodeModule from 'node:module';

/** The query that makes `import()` give a fresh module instance per attempt (see attempt-runner.ts). */
export const FRESH_QUERY = '?attempt=';

interface LoadedSource {
  format: string | null | undefined;
  source: unknown;
}

type RegisterHooks = (hooks: {
  resolve?: (specifier: string, context: unknown, next: (s: string, c?: unknown) => { url: string }) => { url: string; format?: string; shortCircuit?: boolean };
  load?: (url: string, context: unknown, next: (u: string, c?: unknown) => LoadedSource) => LoadedSource & { shortCircuit?: boolean };
}) => unknown;

let installed = false;

/**
 * Makes the per-attempt fresh import of a processor cheap in a reused worker: resolution of
 * `<file URL>?attempt=<id>` is short-circuited and its source comes from memory (read, and for .ts
 * stripped, once per thread), so only compile/link/evaluate remain. Each attempt still gets a fresh module
 * instance. Measured here: ~40 µs instead of ~200 µs per import, which is most of a pooled attempt's cost.
 * In-thread hooks (module.registerHooks, Node >= 22.15); without them the default loader is used.
 */
export function installFreshModuleHooks(): void {
  const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (installed || typeof registerHooks !== 'function') return;
  installed = true;
  const sources = new Map<string, LoadedSource>();
  registerHooks({
    resolve(specifier, context, next) {
      if (specifier.startsWith('file:') && specifier.includes(FRESH_QUERY)) return { url: specifier, shortCircuit: true };
      return next(specifier, context);
    },
    load(url, context, next) {
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
