// Experiment: what one cache-busting import() (the `pooled` executor's fresh module instance per
// attempt) costs a worker thread: time, heap kept, and RSS kept, over 5,000 imports of the no-op.
//
//   node --expose-gc bench/experiments/busted-imports.ts
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { fixture } from '../lib/plans.ts';

const IMPORTS = 5_000;
const url = pathToFileURL(fixture('noop.mjs')).href;
// The thread imports `n` fresh instances, collects garbage, and reports its live heap.
const worker = new Worker(
  `const { parentPort } = require('node:worker_threads');
   const { getHeapStatistics } = require('node:v8');
   parentPort.on('message', async (n) => {
     const t0 = performance.now();
     for (let i = 0; i < n; i++) await import(${JSON.stringify(url)} + '?attempt=' + crypto.randomUUID());
     const ms = performance.now() - t0;
     globalThis.gc?.();
     parentPort.postMessage({ ms, heap: getHeapStatistics().used_heap_size });
   });`,
  { eval: true },
);
const ask = (n: number): Promise<{ ms: number; heap: number }> =>
  new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(n);
  });
await ask(10); // warm the loader
const before = await ask(1);
const rss0 = process.memoryUsage().rss;
const after = await ask(IMPORTS);
const rss1 = process.memoryUsage().rss;
console.log(
  `${IMPORTS} cache-busted imports in one thread: ${((1000 * after.ms) / IMPORTS).toFixed(0)} µs each, ` +
    `heap kept ${((after.heap - before.heap) / IMPORTS / 1024).toFixed(1)} KB each, RSS kept ${((rss1 - rss0) / IMPORTS / 1024).toFixed(1)} KB each`,
);
await worker.terminate();
