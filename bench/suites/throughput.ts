import { randomUUID } from 'node:crypto';
import { createExecutor } from '../../electron/engine/executors/create-executor.ts';
import type { AttemptHooks, AttemptRequest } from '../../electron/engine/executors/executor.ts';
import { factoryWithEntries, instantExecutorFactory } from '../lib/executors.ts';
import { interleave, type TrialResult } from '../lib/measure.ts';
import { fanInPlan, fixture } from '../lib/plans.ts';
import { rawPiscina } from '../lib/raw-piscina.ts';
import { failed, figure, formatNumber, skipped, type Row, type RowOptions, type Section } from '../lib/report.ts';
import { median, perSecond } from '../lib/stats.ts';
import { runJob, type JobRun } from '../lib/run-job.ts';
import { scaled, type BenchContext } from './context.ts';

const CONCURRENCY = 2;

/** Anything with a wall time and a task count gives a rate. */
interface Timed {
  wallMs: number;
  cpuMs: number;
  tasks: number;
}

/** A row from a trial's samples mapped to numbers, or an ERROR row if the trial crashed. */
function rowOf<T>(
  result: TrialResult<T> | undefined,
  id: string,
  label: string,
  unit: string,
  value: (sample: T) => number,
  options: RowOptions = {},
): Row {
  if (!result || result.error !== undefined || result.samples.length === 0) {
    return failed(id, label, unit, result?.error ?? new Error('not measured'), options);
  }
  return figure(id, label, unit, result.samples.map(value), options);
}

/** Per-repetition ratio f(a)/f(b): the pairs ran back to back, so their ratio is steadier than a ratio of medians. */
function ratioRow<A, B>(
  a: TrialResult<A> | undefined,
  b: TrialResult<B> | undefined,
  fa: (x: A) => number,
  fb: (x: B) => number,
  id: string,
  label: string,
  options: RowOptions = {},
): Row {
  if (!a || !b || a.error !== undefined || b.error !== undefined || a.samples.length === 0 || b.samples.length === 0) {
    return failed(id, label, '', a?.error ?? b?.error ?? new Error('not measured'), options);
  }
  const n = Math.min(a.samples.length, b.samples.length);
  return figure(id, label, '', Array.from({ length: n }, (_, i) => fa(a.samples[i]) / fb(b.samples[i])), { digits: 2, ...options });
}

/** Runs `tasks` no-op attempts straight through a PooledExecutor, `inFlight` at a time: the executor's cost alone. */
async function executorAlone(tasks: number, inFlight: number): Promise<Timed> {
  const processor = fixture('noop.mjs');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const executor = createExecutor('pooled', CONCURRENCY);
  const hooks: AttemptHooks = { signal: new AbortController().signal, onProgress: () => {}, onLog: () => {} };
  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < tasks) {
        const i = next++;
        const request: AttemptRequest = {
          runId: 'bench', taskId: `r${i}`, attempt: 1, attemptId: randomUUID(), processor,
          input: {}, missing: {}, memoryLimitMb: 2048,
        };
        await executor.execute(request, hooks);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, tasks };
  } finally {
    await executor.close();
  }
}

const tps = (r: Timed): number => perSecond(r.tasks, r.wallMs);
const cpuUsPerTask = (r: Timed): number => (1000 * r.cpuMs) / r.tasks;
const describe = (r: Timed): string => `${formatNumber(tps(r))} tasks/s, ${formatNumber(cpuUsPerTask(r))} µs CPU/task`;

/** Measurement 1: engine throughput beside raw piscina, the breakdown of the gap, and thread/process. */
export async function throughputSuite(ctx: BenchContext): Promise<Section> {
  const regions = scaled(ctx, 10_000, 100);
  const plan = fanInPlan(regions, { isolation: 'pooled' });
  const tasks = plan.tasks.length;
  const raw = async (inFlight?: number): Promise<Timed> => ({ ...(await rawPiscina(regions, { threads: 2, inFlight })), tasks: regions });

  // Engine and raw piscina alternate, so each ratio compares two runs made under the same load.
  const main = await interleave<Timed>(ctx.reps, [
    { id: 'engine pooled', run: () => runJob(plan, { concurrency: CONCURRENCY }), describe },
    { id: 'raw piscina all queued', run: () => raw(), describe },
  ]);
  // Where the gap goes: the same job with one part of the engine taken away at a time.
  const parts = await interleave<Timed>(ctx.reps, [
    { id: 'raw piscina 2 in flight', run: () => raw(CONCURRENCY), describe },
    { id: 'PooledExecutor alone', run: () => executorAlone(regions, CONCURRENCY), describe },
    { id: 'coordinator + RunStore', run: () => runJob(plan, { concurrency: CONCURRENCY, executorFactory: instantExecutorFactory() }), describe },
    {
      id: 'coordinator alone',
      run: () => runJob(plan, { concurrency: CONCURRENCY, journal: 'memory', executorFactory: instantExecutorFactory() }),
      describe,
    },
  ]);

  // The engine trial's samples are JobRuns (interleave needs one sample type, Timed, for both trials).
  const engine = main.get('engine pooled') as TrialResult<JobRun> | undefined;
  const rawAll = main.get('raw piscina all queued');
  const rows: Row[] = [
    rowOf(engine, 'engine.pooled', `engine, pooled, RunStore journal (${formatNumber(tasks)} tasks)`, 'tasks/s', tps, { target: { op: '>=', value: 5_000 } }),
    rowOf(engine, 'engine.pooled.cpu', 'CPU time per task, whole process (coordinator + worker threads)', 'µs', cpuUsPerTask, { detail: true }),
    rowOf(rawAll, 'raw.all-queued', `raw piscina, 2 threads, all ${formatNumber(regions)} queued at once`, 'tasks/s', tps),
    rowOf(rawAll, 'raw.all-queued.cpu', 'CPU time per task, whole process', 'µs', cpuUsPerTask, { detail: true }),
    ratioRow(engine, rawAll, tps, tps, 'ratio.engine-raw', 'ratio engine / raw piscina, tasks/s (per repetition)', { target: { op: '>=', value: 0.5 } }),
    ratioRow(engine, rawAll, cpuUsPerTask, cpuUsPerTask, 'ratio.engine-raw.cpu', 'ratio engine / raw piscina, CPU per task', { detail: true }),
    rowOf(parts.get('raw piscina 2 in flight'), 'raw.2-in-flight', "where the time goes: raw piscina, 2 in flight (the coordinator's dispatch pattern)", 'tasks/s', tps, { detail: true }),
    rowOf(parts.get('PooledExecutor alone'), 'executor.alone', 'PooledExecutor alone, 2 in flight (no coordinator, no journal)', 'tasks/s', tps, { detail: true }),
    rowOf(parts.get('coordinator + RunStore'), 'coordinator.sqlite', 'coordinator + RunStore, no workers (instant executor)', 'tasks/s', tps, { detail: true }),
    rowOf(parts.get('coordinator alone'), 'coordinator.alone', 'coordinator alone (instant executor, journal in memory)', 'tasks/s', tps, { detail: true }),
    rowOf(engine, 'engine.attempt-rtt', 'engine: attempt round trip through PooledExecutor, mean', 'µs', (r) => (1000 * r.attempts.totalMs) / r.attempts.count, { detail: true }),
    rowOf(engine, 'engine.elu', 'engine: coordinator event loop busy', '%', (r) => 100 * r.elu, { detail: true }),
    rowOf(engine, 'engine.commits', 'engine: journal commits per run', 'commits', (r) => r.appends.appends, { detail: true }),
    rowOf(engine, 'engine.events-per-commit', 'engine: events per commit', 'events', (r) => r.appends.events / r.appends.appends, { detail: true }),
    rowOf(engine, 'engine.commit-us', 'engine: time per commit (RunStore.append)', 'µs', (r) => (1000 * r.appends.ms) / r.appends.appends, { detail: true }),
    rowOf(engine, 'engine.journal-share', 'engine: share of wall time in RunStore.append', '%', (r) => (100 * r.appends.ms) / r.wallMs, { detail: true }),
  ];

  // thread and process: reused workers that also put globals back after each attempt (and, for process,
  // an IPC round trip), so fewer tasks; each beside the same run with worker entries bundled to .mjs (as a
  // packaged app ships them) instead of type-stripped .ts.
  const threadPlan = fanInPlan(scaled(ctx, 2_000, 20), { isolation: 'thread' });
  const processPlan = fanInPlan(scaled(ctx, 2_000, 20), { isolation: 'process' });
  const bundled = ctx.bundled ? factoryWithEntries(ctx.bundled) : undefined;
  const fresh = await interleave<JobRun>(ctx.reps, [
    { id: 'engine thread', run: () => runJob(threadPlan, { concurrency: CONCURRENCY }), describe },
    ...(bundled ? [{ id: 'engine thread bundled', run: () => runJob(threadPlan, { concurrency: CONCURRENCY, executorFactory: bundled }), describe }] : []),
    { id: 'engine process', run: () => runJob(processPlan, { concurrency: CONCURRENCY }), describe: (r: JobRun) => `${formatNumber(tps(r))} tasks/s` },
    ...(bundled
      ? [{ id: 'engine process bundled', run: () => runJob(processPlan, { concurrency: CONCURRENCY, executorFactory: bundled }), describe: (r: JobRun) => `${formatNumber(tps(r))} tasks/s` }]
      : []),
  ]);
  const cpuWithChildren = (r: JobRun): number => (1000 * (r.cpuMs + r.childCpuMs)) / r.tasks;
  const noBundle = 'rolldown (a dependency of vite) is not installed, so the entries could not be bundled';
  rows.push(
    rowOf(fresh.get('engine thread'), 'engine.thread', `engine, thread (${formatNumber(threadPlan.tasks.length)} tasks, reused threads, reset after each attempt)`, 'tasks/s', tps),
    rowOf(fresh.get('engine thread'), 'engine.thread.cpu', 'CPU time per task, whole process', 'µs', cpuUsPerTask, { detail: true }),
    bundled
      ? rowOf(fresh.get('engine thread bundled'), 'engine.thread.bundled', 'same, worker entry bundled to .mjs (no type stripping per thread)', 'tasks/s', tps, { detail: true })
      : skipped('engine.thread.bundled', 'same, worker entry bundled to .mjs', 'tasks/s', noBundle, { detail: true }),
    bundled
      ? rowOf(fresh.get('engine thread bundled'), 'engine.thread.bundled.cpu', 'CPU time per task, whole process, bundled entry', 'µs', cpuUsPerTask, { detail: true })
      : skipped('engine.thread.bundled.cpu', 'CPU time per task, bundled entry', 'ms', noBundle, { detail: true }),
    rowOf(fresh.get('engine process'), 'engine.process', `engine, process (${formatNumber(processPlan.tasks.length)} tasks, reused child processes, reset after each attempt)`, 'tasks/s', tps),
    rowOf(fresh.get('engine process'), 'engine.process.cpu', 'CPU time per task, coordinator + child processes', 'µs', cpuWithChildren, { detail: true }),
    bundled
      ? rowOf(fresh.get('engine process bundled'), 'engine.process.bundled', 'same, child entry bundled to .mjs', 'tasks/s', tps, { detail: true })
      : skipped('engine.process.bundled', 'same, child entry bundled to .mjs', 'tasks/s', noBundle, { detail: true }),
    bundled
      ? rowOf(fresh.get('engine process bundled'), 'engine.process.bundled.cpu', 'CPU time per task, coordinator + child processes, bundled entry', 'µs', cpuWithChildren, { detail: true })
      : skipped('engine.process.bundled.cpu', 'CPU time per task, bundled entry', 'ms', noBundle, { detail: true }),
  );

  const engineMedian = engine && engine.samples.length > 0 ? median(engine.samples.map(tps)) : Number.NaN;
  return {
    id: '1',
    title: `Engine throughput: ${formatNumber(regions)} no-op regions + 1 aggregate, concurrency ${CONCURRENCY}, from Coordinator.start to whenSettled`,
    rows,
    notes: [
      'Engine rows run the whole job through Coordinator.start with a real RunStore in a fresh temp data dir (WAL, synchronous=NORMAL) unless they say otherwise; raw piscina runs bench/fixtures/piscina-noop.mjs; both include starting their threads.',
      'CPU time per task is this process\'s CPU time (every thread) over the run divided by its tasks: unlike tasks/s it hardly moves when other processes share the 2 cores, so compare those rows when the load average is high.',
      '"where the time goes" rows take one part away at a time (SQLite, the workers, the coordinator); the instant executor completes each attempt on the next event-loop turn with no worker at all.',
      `At the median, one engine task costs ${formatNumber(1e6 / engineMedian)} µs of wall time end to end.`,
    ],
  };
}
