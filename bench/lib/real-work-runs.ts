import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { IsolationLevel } from '../../shared/states.ts';
import { AGGREGATE_PROCESSOR, importProcessor, REGION_PROCESSOR, type FlightsJob, type FlightTotals, type RegionOutput } from './flights.ts';
import { fixture } from './plans.ts';
import { expectSuccess, spawnGroup } from './spawn-timed.ts';

// The ways section 6 runs one job: plain node processes (one, or one per core), a warm raw piscina pool,
// and `dproc run` from the shell. Each returns the same RealRun and checks its own result.

/** The repository root: `dproc run` is spawned from there, as a user of the checkout runs it. */
export const ROOT = join(import.meta.dirname, '..', '..');
const DPROC = join(ROOT, 'bin', 'dproc.js');
const RUNNER = fixture('real-work-runner.mjs');
const TIMEOUT_MS = 300_000;

/** One run of a job, however it was run. */
export interface RealRun {
  /** Start (spawn, or submitting the regions) → the last exit (or the aggregate's result), in ms. */
  wallMs: number;
  /** User + system CPU of everything that ran the job (process tree, or this process's threads), in ms. */
  cpuMs: number;
  result: FlightTotals;
  /** Each region's duration where it ran (in-process timing, or dproc's attempt timestamps); may be empty. */
  regionMs: number[];
  /** dproc only: spawn → first region started, first region started → last region finished, → exit. */
  phases?: { startupMs: number; regionsMs: number; tailMs: number };
}

/** What the plain-node runner prints. */
interface RunnerOutput {
  outputs: Record<string, RegionOutput>;
  regionMs: Record<string, number>;
  result?: FlightTotals;
}

/** The aggregate's ctx outside the engine (the fields the example's aggregate reads, and the rest of the shape). */
function aggregateContext(upstream: Record<string, RegionOutput>): unknown {
  return { taskId: 'aggregate', attempt: 1, signal: new AbortController().signal, upstream, missing: {}, progress() {}, log() {} };
}

/** Throws unless the regions' records add up to the job's rows and the aggregate says the same. */
export function checkRun(job: FlightsJob, outputs: readonly RegionOutput[], result: FlightTotals | undefined): FlightTotals {
  if (!result) throw new Error('no aggregate result');
  if (outputs.length !== job.regions.length) throw new Error(`${outputs.length} region outputs, expected ${job.regions.length}`);
  const sum = outputs.reduce((n, o) => n + o.records, 0);
  if (sum !== job.rows || result.records !== job.rows) {
    throw new Error(`records: regions add up to ${sum}, aggregate says ${result.records}, the job has ${job.rows}`);
  }
  return result;
}

function writeSpec(dir: string, name: string, spec: object): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

/** `sequential`: one plain node process runs every region, then the aggregate. */
export async function sequentialRun(job: FlightsJob, dir: string): Promise<RealRun> {
  const spec = writeSpec(dir, `${job.key}-sequential`, { processor: REGION_PROCESSOR, aggregate: AGGREGATE_PROCESSOR, regions: job.regions });
  const run = await spawnGroup([{ command: process.execPath, args: [RUNNER, spec] }], { timeoutMs: TIMEOUT_MS });
  expectSuccess(run.exits[0], 'sequential runner');
  const out = JSON.parse(run.exits[0].stdout) as RunnerOutput;
  const result = checkRun(job, Object.values(out.outputs), out.result);
  return { wallMs: run.wallMs, cpuMs: run.cpuMs, result, regionMs: Object.values(out.regionMs) };
}

/** The regions cut into `parts` contiguous shares, as `split -n l/N | xargs -P N` would. */
export function shares<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  return Array.from({ length: parts }, (_, i) => items.slice(i * size, (i + 1) * size)).filter((s) => s.length > 0);
}

/**
 * `split`: `parts` plain node processes started together, each running its contiguous share; timed to
 * the last exit, plus the aggregate run here on their outputs (well under a millisecond).
 */
export async function splitRun(job: FlightsJob, dir: string, parts: number): Promise<RealRun> {
  const specs = shares(job.regions, parts).map((regions, i) => writeSpec(dir, `${job.key}-split-${i}`, { processor: REGION_PROCESSOR, regions }));
  const aggregate = await importProcessor<FlightTotals>(AGGREGATE_PROCESSOR);
  const run = await spawnGroup(specs.map((spec) => ({ command: process.execPath, args: [RUNNER, spec] })), { timeoutMs: TIMEOUT_MS });
  run.exits.forEach((e, i) => expectSuccess(e, `split runner ${i}`));
  const outs = run.exits.map((e) => JSON.parse(e.stdout) as RunnerOutput);
  const upstream = Object.assign({}, ...outs.map((o) => o.outputs)) as Record<string, RegionOutput>;
  const tAgg = performance.now();
  const result = await aggregate({}, aggregateContext(upstream));
  const wallMs = run.wallMs + (performance.now() - tAgg);
  return { wallMs, cpuMs: run.cpuMs, result: checkRun(job, Object.values(upstream), result), regionMs: outs.flatMap((o) => Object.values(o.regionMs)) };
}

/**
 * `raw piscina (warm)`: a pool of `threads` threads, each already started with the processor imported
 * (untimed), then timed from submitting every region to the last result, plus the aggregate here.
 * CPU is this process's (all threads) over the timed part.
 */
export async function rawPiscinaRun(job: FlightsJob, threads: number): Promise<RealRun> {
  const aggregate = await importProcessor<FlightTotals>(AGGREGATE_PROCESSOR);
  const pool = new Piscina({ filename: fixture('real-work-worker.mjs'), minThreads: threads, maxThreads: threads, workerData: { processor: REGION_PROCESSOR } });
  // Without a listener an 'error' event would crash the bench (environment.md).
  pool.on('error', () => {});
  try {
    // A warm-up call holds its thread for 50 ms, so concurrent ones land on different threads; repeat
    // until every thread has answered (its module, and so the processor, is then loaded).
    const seen = new Set<number>();
    for (let round = 0; round < 20 && seen.size < threads; round++) {
      for (const id of await Promise.all(Array.from({ length: threads }, () => pool.run('warm-up') as Promise<number>))) seen.add(id);
    }
    if (seen.size < threads) throw new Error(`only ${seen.size} of ${threads} piscina threads answered the warm-up`);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const outputs = (await Promise.all(job.regions.map((r) => pool.run({ id: r.id, input: r.input })))) as RegionOutput[];
    const upstream = Object.fromEntries(job.regions.map((r, i) => [r.id, outputs[i]]));
    const result = await aggregate({}, aggregateContext(upstream));
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, result: checkRun(job, outputs, result), regionMs: [] };
  } finally {
    await pool.destroy();
  }
}

/** A job file for `dproc run`: the regions as one foreach over their row groups, then the aggregate. */
export function writeJobFile(dir: string, job: FlightsJob, isolation: IsolationLevel): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${job.key}-${isolation}.job.json`);
  const doc = {
    name: `bench-flights-${job.key}-${isolation}`,
    // No retries: a failing region fails the run, and the row says ERROR instead of timing retries.
    defaults: { isolation, retries: 0 },
    tasks: [
      {
        id: 'rows',
        processor: REGION_PROCESSOR,
        foreach: { values: job.regions.map((r) => r.input.value) },
        ...(job.file ? { input: { file: job.file } } : {}),
      },
      { id: 'aggregate', processor: AGGREGATE_PROCESSOR, blockedBy: ['rows'] },
    ],
  };
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

/** The parts of `dproc run --json` the section reads. */
interface RunDocument {
  state: string;
  tasks: { id: string; state: string; attempts: { startedAt: string; finishedAt?: string }[]; output?: RegionOutput }[];
  result: FlightTotals | null;
}

/**
 * `dproc <isolation>`: `node bin/dproc.js run JOB --json --concurrency N --data-dir DIR` spawned from the
 * repository root with this Node (24), timed spawn → exit; the run must be COMPLETE with every region's
 * output adding up. The phases come from the attempts' timestamps (ms) against the spawn and exit clocks.
 */
export async function dprocRun(job: FlightsJob, jobFile: string, concurrency: number, dataDir: string): Promise<RealRun> {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
  const args = [DPROC, 'run', jobFile, '--json', '--concurrency', String(concurrency), '--data-dir', dataDir];
  const run = await spawnGroup([{ command: process.execPath, args }], { cwd: ROOT, timeoutMs: TIMEOUT_MS });
  const exit = run.exits[0];
  let doc: RunDocument;
  try {
    doc = JSON.parse(exit.stdout) as RunDocument;
  } catch {
    expectSuccess(exit, 'dproc run');
    throw new Error('dproc run --json printed no JSON document');
  }
  if (doc.state !== 'COMPLETE') {
    const bad = doc.tasks.find((t) => t.state !== 'COMPLETE');
    throw new Error(`dproc run ended ${doc.state}${bad ? ` (${bad.id}: ${bad.state})` : ''}`);
  }
  expectSuccess(exit, 'dproc run');
  const regions = doc.tasks.filter((t) => t.id !== 'aggregate');
  const result = checkRun(job, regions.map((t) => t.output ?? { records: 0 }), doc.result ?? undefined);
  const spans = regions.map((t) => {
    const a = t.attempts[t.attempts.length - 1];
    return { start: Date.parse(a.startedAt), end: Date.parse(a.finishedAt ?? a.startedAt) };
  });
  const first = Math.min(...spans.map((s) => s.start));
  const last = Math.max(...spans.map((s) => s.end));
  return {
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    result,
    regionMs: spans.map((s) => s.end - s.start),
    phases: { startupMs: first - exit.spawnedAt, regionsMs: last - first, tailMs: exit.exitedAt - last },
  };
}
