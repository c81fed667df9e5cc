import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import type { ExecutorProvider } from '../../electron/engine/coordinator/coordinator.ts';
import { createExecutor } from '../../electron/engine/executors/create-executor.ts';
import type { AttemptHooks, AttemptRequest, Executor, ExecutorFactory, Forecast } from '../../electron/engine/executors/executor.ts';
import type { WorkerEntries } from '../../electron/engine/worker/entries.ts';
import type { IsolationLevel } from '../../shared/states.ts';

/** Round trips of attempts through an executor: from execute() to its promise settling. */
export interface AttemptStats {
  count: number;
  totalMs: number;
}

/**
 * Wraps an ExecutorProvider to time every attempt's round trip (dispatch, worker, result back), so the
 * bench can tell time spent waiting on workers from time spent in the coordinator.
 */
export class TimedExecutors implements ExecutorProvider {
  readonly stats: AttemptStats = { count: 0, totalMs: 0 };
  readonly #inner: ExecutorProvider;

  constructor(inner: ExecutorProvider) {
    this.#inner = inner;
  }

  /** Passes the coordinator's forecast on, untimed. */
  forecast(upcoming: Forecast): void {
    this.#inner.forecast?.(upcoming);
  }

  /** The inner executor for `kind`, behind a timing wrapper. */
  get(kind: IsolationLevel): Executor {
    const executor = this.#inner.get(kind);
    const stats = this.stats;
    return {
      kind: executor.kind,
      close: () => executor.close(),
      expect: (upcoming) => executor.expect?.(upcoming),
      execute(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array> {
        const t0 = performance.now();
        return executor.execute(request, hooks).finally(() => {
          stats.count++;
          stats.totalMs += performance.now() - t0;
        });
      },
    };
  }
}

const TINY_OUTPUT = serialize(1);

/**
 * An executor with no worker at all: every attempt succeeds on the next turn of the event loop (a
 * macrotask, like a real worker's reply). Runs on it measure the coordinator and its journal alone.
 */
export function instantExecutorFactory(): ExecutorFactory {
  return (kind) => ({
    kind,
    execute: () => new Promise<Uint8Array>((resolve) => setImmediate(resolve, TINY_OUTPUT)),
    close: async () => {},
  });
}

/** The default factory, with the worker entry files replaced (e.g. by bundled .mjs files). */
export function factoryWithEntries(entries: WorkerEntries): ExecutorFactory {
  return (kind, concurrency) =>
    createExecutor(kind, concurrency, {
      thread: { entry: entries.thread },
      pooled: { entry: entries.thread },
      process: { entry: entries.child },
    });
}

/**
 * Bundles the worker entries into plain .mjs files (as an Electron build ships them), so a new thread or
 * child does not type-strip a dozen .ts files on start. Null when rolldown (a dependency of vite) is absent.
 */
export async function bundleWorkerEntries(): Promise<{ entries: WorkerEntries; dir: string; ms: number } | null> {
  let rolldown: typeof import('rolldown').rolldown;
  try {
    ({ rolldown } = await import('rolldown'));
  } catch {
    return null;
  }
  const t0 = performance.now();
  const worker = fileURLToPath(new URL('../../electron/engine/worker/', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'dproc-bench-entries-'));
  const bundle = await rolldown({
    input: { 'thread-entry': join(worker, 'thread-entry.ts'), 'child-entry': join(worker, 'child-entry.ts') },
    platform: 'node',
    external: [/^node:/],
    logLevel: 'silent',
  });
  try {
    await bundle.write({ dir, format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' });
  } finally {
    await bundle.close();
  }
  return {
    entries: {
      thread: pathToFileURL(join(dir, 'thread-entry.mjs')),
      child: pathToFileURL(join(dir, 'child-entry.mjs')),
    },
    dir,
    ms: performance.now() - t0,
  };
}
