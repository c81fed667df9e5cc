// Experiment: what a new worker thread pays for importing Node built-ins as ES modules.
// An ESM import of a built-in builds its facade, which reads every export, and some exports are lazy
// getters that load more internals (util.parseArgs, util.diff, fs.promises…). process.getBuiltinModule
// returns the module without a facade. Each variant is a worker that loads the built-ins the attempt
// runner uses and exits; the figure is this process's CPU time per thread (all threads), and the count
// of internal modules the thread loaded.
// Run: node bench/experiments/builtin-facades.ts   (results: electron/engine/worker/builtins.ts)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const USED = { 'node:util': ['format', 'inspect'], 'node:fs': ['existsSync'], 'node:url': ['pathToFileURL'], 'node:v8': ['serialize', 'deserialize'] };
const report = "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage(process.moduleLoadList.length);\n";
const variants: Record<string, string> = {
  'no built-in': report,
  'import { … } from': Object.entries(USED).map(([id, names]) => `import { ${names.join(', ')} } from '${id}';\n`).join('') + report,
  'process.getBuiltinModule': Object.entries(USED).map(([id, names]) => `const { ${names.join(', ')} } = process.getBuiltinModule('${id}');\n`).join('') + report,
};

const dir = mkdtempSync(join(tmpdir(), 'dproc-facades-'));
try {
  const files = Object.entries(variants).map(([label, code], i) => {
    const file = join(dir, `variant-${i}.mjs`);
    writeFileSync(file, code);
    return { label, url: pathToFileURL(file) };
  });
  const boot = async (url: URL): Promise<number> => {
    const worker = new Worker(url);
    const modules = await new Promise<number>((resolve) => worker.once('message', resolve));
    await worker.terminate();
    return modules;
  };
  const N = 30;
  for (let round = 0; round < 2; round++) {
    for (const { label, url } of files) {
      for (let i = 0; i < 3; i++) await boot(url); // warm-up
      let modules = 0;
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < N; i++) modules = await boot(url);
      const cpu = process.cpuUsage(cpu0);
      console.log(`${label.padEnd(26)} ${String(modules).padStart(4)} internal modules  ${((cpu.user + cpu.system) / 1000 / N).toFixed(1)} ms CPU per thread`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
