// Experiment: `pooled` with each processor imported once per thread (bench/fixtures/once-per-thread-entry.ts)
// beside the engine as it is (a fresh instance per attempt, from the processor's instance factory): throughput of the 10,001-task
// job of bench measurement 1, then peak RSS of the 100,001-task job of measurement 3 (--memory).
//
//   node bench/experiments/pooled-import.ts [--reps 3] [--memory]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createExecutor } from '../../electron/engine/executors/create-executor.ts';
import type { ExecutorFactory } from '../../electron/engine/executors/executor.ts';
import { fanInPlan } from '../lib/plans.ts';
import { formatNumber } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import { runJob, type JobRun, type RunJobOptions } from '../lib/run-job.ts';
import { runMemoryChild } from '../suites/memory.ts';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' }, memory: { type: 'boolean', default: false } } });
const entryFile = fileURLToPath(new URL('../fixtures/once-per-thread-entry.ts', import.meta.url));
const once: ExecutorFactory = (kind, c) => createExecutor(kind, c, { pooled: { entry: new URL(`file://${entryFile}`) } });

const plan = fanInPlan(10_000, { isolation: 'pooled' });
const variants: [string, RunJobOptions][] = [
  ['as is: fresh instance per attempt, RunStore', { concurrency: 2 }],
  ['import once per thread, RunStore', { concurrency: 2, executorFactory: once }],
  ['import once per thread, journal in memory', { concurrency: 2, executorFactory: once, journal: 'memory' }],
];
const runs = new Map<string, JobRun[]>(variants.map(([name]) => [name, []]));
for (let rep = 0; rep < Number(values.reps); rep++) {
  for (const [name, options] of variants) runs.get(name)!.push(await runJob(plan, options));
}
console.log(`${formatNumber(plan.tasks.length)} tasks, pooled, concurrency 2; medians of ${values.reps}`);
for (const [name, rs] of runs) {
  const m = (f: (r: JobRun) => number): string => formatNumber(median(rs.map(f)));
  console.log(
    `${name.padEnd(44)} ${m((r) => r.tasks / (r.wallMs / 1000)).padStart(7)} tasks/s  ${m((r) => (1000 * r.cpuMs) / r.tasks).padStart(5)} µs CPU/task  ` +
      `round trip ${m((r) => (1000 * r.attempts.totalMs) / r.attempts.count).padStart(5)} µs  loop busy ${m((r) => 100 * r.elu)} %  ${m((r) => r.appends.appends)} commits`,
  );
}

if (values.memory) {
  for (const [name, args] of [['as is', []], ['import once per thread', ['--entry', entryFile]]] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'dproc-bench-exp-'));
    try {
      const r = await runMemoryChild(100_000, dir, [...args]);
      console.log(`100,001 tasks, ${name.padEnd(24)} peak RSS ${formatNumber(r.maxRssMb)} MB, outside the coordinator heap at the peak ${formatNumber(r.outsideMainHeapAtPeakMb)} MB, ${formatNumber(r.tasksPerSecond)} tasks/s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
