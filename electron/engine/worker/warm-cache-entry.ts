import * as nodeModule from 'node:module';
import { workerData } from 'node:worker_threads';

// Loads a pool's thread entry (and so every engine module it imports) once, then writes the compile cache
// to disk: the next pool's threads then start from the cache instead of type-stripping and compiling the
// engine's TypeScript each (see executors/worker-env.ts). Used right after that cache was emptied.
await import((workerData as { entry: string }).entry);
(nodeModule as unknown as { flushCompileCache?: () => void }).flushCompileCache?.();
