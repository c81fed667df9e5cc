// Child process of the memory measurement (bench/suites/memory.ts): runs one big fan-in job and prints
// one JSON line with its peak RSS. A process of its own, so the peak is this job's alone and not the
// leftovers of the bench's other measurements.
//
//   node bench/memory-child.ts --regions 100000 --data-dir DIR [--concurrency 2] [--isolation pooled] [--entry FILE]
//
// --entry replaces the pooled/thread worker entry (bench/experiments/pooled-import.ts uses it).
import { deserialize } from 'node:v8';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createExecutor } from '../electron/engine/executors/create-executor.ts';
import { RunStore } from '../electron/engine/store/run-store.ts';
import type { IsolationLevel } from '../shared/states.ts';
import { fanInPlan } from './lib/plans.ts';
import { runJob } from './lib/run-job.ts';

/** One reading of the process's memory, in MB, at a named moment. */
export interface Milestone {
  at: string;
  ms: number;
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
}

/** What the child prints (one JSON line on stdout). */
export interface MemoryChildResult {
  regions: number;
  tasks: number;
  wallMs: number;
  tasksPerSecond: number;
  runId: string;
  events: number;
  aggregateSaw: number;
  peakRssSampledMb: number;
  maxRssMb: number;
  peakHeapUsedMb: number;
  /** At the sample with the highest RSS: how much of it was outside the coordinator thread's V8 heap. */
  outsideMainHeapAtPeakMb: number;
  samples: number;
  /** Longest gap between two samples: how long the event loop was blocked at worst. */
  maxSampleGapMs: number;
  /** When that gap ended, in ms since the child started (compare with the milestones to place it). */
  maxSampleGapEndedAtMs: number;
  elu: number;
  commits: number;
  milestones: Milestone[];
}

const MB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    regions: { type: 'string', default: '100000' },
    'data-dir': { type: 'string' },
    concurrency: { type: 'string', default: '2' },
    isolation: { type: 'string', default: 'pooled' },
    entry: { type: 'string' },
  },
});
const dataDir = values['data-dir'];
if (!dataDir) throw new Error('memory-child: --data-dir is required');
const regions = Number(values.regions);
const t0 = performance.now();

let peakRss = 0;
let peakHeap = 0;
let outsideMainHeapAtPeak = 0;
let samples = 0;
let lastSample = performance.now();
let maxGap = 0;
let maxGapEndedAt = 0;
function sample(): NodeJS.MemoryUsage {
  const m = process.memoryUsage();
  const now = performance.now();
  if (now - lastSample > maxGap) {
    maxGap = now - lastSample;
    maxGapEndedAt = now - t0;
  }
  lastSample = now;
  samples++;
  if (m.rss > peakRss) {
    peakRss = m.rss;
    // heapTotal, not heapUsed: what V8 holds for the coordinator thread, garbage included.
    outsideMainHeapAtPeak = m.rss - m.heapTotal;
  }
  peakHeap = Math.max(peakHeap, m.heapUsed);
  return m;
}
const milestones: Milestone[] = [];
function milestone(at: string): void {
  const m = sample();
  milestones.push({ at, ms: performance.now() - t0, rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB, externalMb: m.external / MB });
}

// Every ~50 ms; a late sample (the loop was busy) is what maxSampleGapMs reports, and maxRSS below
// catches any peak between samples.
const sampler = setInterval(sample, 50);
milestone('started');
const plan = fanInPlan(regions, { isolation: values.isolation as IsolationLevel });
milestone('plan built');
const entry = values.entry ? pathToFileURL(values.entry) : undefined;
const run = await runJob(plan, {
  concurrency: Number(values.concurrency),
  executorFactory: entry ? (kind, c) => createExecutor(kind, c, { pooled: { entry }, thread: { entry } }) : undefined,
  dataDir,
  onStarted: () => milestone('Coordinator.start returned'),
  onSettled: () => milestone('settled'),
});
milestone('closed');
clearInterval(sampler);

const store = RunStore.open(dataDir);
const aggregate = store.getOutput(run.runId, 'aggregate');
store.close();
const result: MemoryChildResult = {
  regions,
  tasks: run.tasks,
  wallMs: run.wallMs,
  tasksPerSecond: run.tasks / (run.wallMs / 1000),
  runId: run.runId,
  events: run.snapshot.seq,
  aggregateSaw: aggregate ? (deserialize(aggregate) as { upstream: number }).upstream : -1,
  peakRssSampledMb: peakRss / MB,
  // maxRSS is in kilobytes: the kernel's high-water mark, which no sampling interval can miss.
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  peakHeapUsedMb: peakHeap / MB,
  outsideMainHeapAtPeakMb: outsideMainHeapAtPeak / MB,
  samples,
  maxSampleGapMs: maxGap,
  maxSampleGapEndedAtMs: maxGapEndedAt,
  elu: run.elu,
  commits: run.appends.appends,
  milestones,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
