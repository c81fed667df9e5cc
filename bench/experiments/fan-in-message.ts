// Experiment: what handing an aggregate 100,000 upstream outputs costs, as the engine does it (one
// Uint8Array per output in the attempt message, each deserialised in the worker) and packed (one
// buffer for all of them). Each variant runs in a process of its own so RSS deltas do not mix.
//
//   node bench/experiments/fan-in-message.ts [--outputs 100000]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { outputs: { type: 'string', default: '100000' }, variant: { type: 'string' } } });
const n = Number(values.outputs);

if (values.variant === undefined) {
  for (const variant of ['separate', 'packed']) {
    const r = spawnSync(process.execPath, [import.meta.filename, '--outputs', String(n), '--variant', variant], { encoding: 'utf8' });
    process.stdout.write(r.stdout || r.stderr);
  }
} else {
  const { Worker } = await import('node:worker_threads');
  const { serialize } = await import('node:v8');
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const { deserialize } = require('node:v8');
     parentPort.on('message', (m) => {
       let upstream = {};
       if (m.upstream) for (const [id, bytes] of Object.entries(m.upstream)) upstream[id] = deserialize(bytes);
       else upstream = deserialize(m.packed);
       parentPort.postMessage(Object.keys(upstream).length);
     });`,
    { eval: true },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let message: object;
  if (values.variant === 'separate') {
    const upstream: Record<string, Uint8Array> = {};
    for (let i = 0; i < n; i++) upstream[`r${i}`] = serialize(1);
    message = { upstream };
  } else {
    const all: Record<string, number> = {};
    for (let i = 0; i < n; i++) all[`r${i}`] = 1;
    message = { packed: serialize(all) };
  }
  worker.postMessage(message);
  const seen = await new Promise((resolve) => worker.once('message', resolve));
  console.log(
    `${values.variant.padEnd(8)} ${seen} outputs: RSS +${((process.memoryUsage().rss - rss0) / 1048576).toFixed(0)} MB, ${(performance.now() - t0).toFixed(0)} ms until the worker had them all`,
  );
  await worker.terminate();
}
