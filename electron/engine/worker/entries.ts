/** The files workers start from: a piscina thread entry and a child-process entry. */
export interface WorkerEntries {
  thread: URL;
  child: URL;
}

// Resolved next to this module so the engine runs from source (Node type stripping) as is. A bundle
// (Electron) calls setWorkerEntries() at start-up to point these at its built .js files.
const entries: WorkerEntries = {
  thread: new URL('./thread-entry.ts', import.meta.url),
  child: new URL('./child-entry.ts', import.meta.url),
};

/** The current worker entry files; executors read them when they are created. */
export function workerEntries(): Readonly<WorkerEntries> {
  return entries;
}

/** Repoints the worker entries (e.g. at built .js files); affects executors created afterwards. */
export function setWorkerEntries(overrides: Partial<WorkerEntries>): void {
  if (overrides.thread) entries.thread = overrides.thread;
  if (overrides.child) entries.child = overrides.child;
}
