import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TASK_SETTINGS } from '../../shared/job-schema.ts';
import { ISOLATION_LEVELS } from '../../shared/states.ts';
import { rowGroupJob, slicesJob, type FlightsJob, type FlightTotals } from '../lib/flights.ts';
import { interleave, progress, type Trial, type TrialResult } from '../lib/measure.ts';
import { oneTaskRun, writeOneTaskJob } from '../lib/one-task-run.ts';
import { dprocRun, rawPiscinaRun, ROOT, sequentialRun, shares, splitRun, writeJobFile, type RealRun } from '../lib/real-work-runs.ts';
import { failed, figure, formatNumber, skipped, type Row, type Section, type Target } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import { scaled, type BenchContext } from './context.ts';

const ROW_GROUPS = 11;
const SMALL_REGIONS = 50;
const SMALL_REGION_MS = 20;
const ONE_TASK_RUNS = 5;
const DEFAULT_TARGET: Target = { op: '<=', value: 1.15 };
const NOT_SLOWER: Target = { op: '<=', value: 1.0 };
const ONE_TASK_TARGET: Target = { op: '<=', value: 200 };
/** The machine's own Node (20 here): `bin/dproc.js` re-runs the CLI on node_modules' Node 24 from it. */
const SYSTEM_NODE = '/usr/bin/node';

const ok = (r: TrialResult<RealRun> | undefined): r is TrialResult<RealRun> => !!r && r.error === undefined && r.samples.length > 0;
const notMeasured = (...rs: (TrialResult<RealRun> | undefined)[]): unknown => rs.find((r) => r?.error !== undefined)?.error ?? new Error('not measured');

/** The totals every row must agree on (integers: the same whatever order the regions finished in). */
function fingerprint(t: FlightTotals): string {
  return JSON.stringify([t.regions, t.records, t.delayMinutes, t.delayed, t.distanceMiles, t.busiestOrigin]);
}

/** `x / split` per repetition (they ran back to back), with the wall and CPU per region below it. */
function versusSplit(id: string, label: string, x: TrialResult<RealRun> | undefined, split: TrialResult<RealRun> | undefined, regions: number, target?: Target): Row[] {
  if (!ok(x) || !ok(split)) return [failed(id, label, 'x', notMeasured(x, split), { target })];
  const n = Math.min(x.samples.length, split.samples.length);
  const ratios = Array.from({ length: n }, (_, i) => x.samples[i].wallMs / split.samples[i].wallMs);
  return [
    figure(id, label, 'x', ratios, { digits: 2, target }),
    figure(`${id}.wall`, 'wall time', 's', x.samples.map((r) => r.wallMs / 1000), { digits: 2, detail: true }),
    figure(`${id}.cpu`, 'CPU per region (user + sys, whole process tree)', 'ms', x.samples.map((r) => r.cpuMs / regions), { detail: true }),
  ];
}

/** Where a dproc run's wall time went, from its attempts' timestamps. */
function dprocPhaseRows(id: string, x: TrialResult<RealRun> | undefined): Row[] {
  if (!ok(x)) return [];
  const phase = (k: 'startupMs' | 'regionsMs' | 'tailMs'): number[] => x.samples.map((r) => r.phases![k]);
  return [
    figure(`${id}.region`, 'one region as dproc timed it (attempt start → result, median)', 'ms', x.samples.map((r) => median(r.regionMs)), { detail: true }),
    figure(`${id}.startup`, 'spawn → first region started', 'ms', phase('startupMs'), { detail: true }),
    figure(`${id}.regions`, 'first region started → last region done', 'ms', phase('regionsMs'), { detail: true }),
    figure(`${id}.tail`, 'last region done → exit (aggregate, store, JSON, exit)', 'ms', phase('tailMs'), { detail: true }),
  ];
}

/**
 * The dproc modes against a baseline, per repetition: the slowest (or fastest) mode's wall over the
 * baseline's, so that "every mode" holds in each repetition, not just for the medians.
 */
function modesVersus(id: string, what: 'slowest' | 'fastest', base: string, modes: TrialResult<RealRun>[], baseline: TrialResult<RealRun> | undefined): Row {
  const label = `${what} dproc mode / ${base}`;
  if (!modes.every(ok) || !ok(baseline)) return failed(id, label, 'x', notMeasured(...modes, baseline), { target: NOT_SLOWER });
  const n = Math.min(baseline.samples.length, ...modes.map((m) => m.samples.length));
  const pick = what === 'slowest' ? Math.max : Math.min;
  const ratios = Array.from({ length: n }, (_, i) => pick(...modes.map((m) => m.samples[i].wallMs)) / baseline.samples[i].wallMs);
  const byMedian = ISOLATION_LEVELS.map((mode, i) => ({ mode, wall: median(modes[i].samples.map((r) => r.wallMs)) })).sort((a, b) => a.wall - b.wall);
  const named = what === 'slowest' ? byMedian[byMedian.length - 1].mode : byMedian[0].mode;
  return figure(id, `${label} (per repetition; by median: ${named})`, 'x', ratios, { digits: 2, target: NOT_SLOWER });
}

/** Runs one job size every way, interleaved rep by rep, and turns it into rows. */
async function sizeRows(ctx: BenchContext, job: FlightsJob, heading: Row, dir: string, concurrency: number): Promise<Row[]> {
  const regions = job.regions.length;
  const defaultMode = DEFAULT_TASK_SETTINGS.isolation;
  let reference: string | undefined;
  // Every run must add up to the same totals as the first one did; a run that does not is an ERROR row.
  const verified = (run: () => Promise<RealRun>) => async (): Promise<RealRun> => {
    const r = await run();
    const f = fingerprint(r.result);
    reference ??= f;
    if (f !== reference) throw new Error(`totals ${f} differ from the first run's ${reference}`);
    return r;
  };
  const describe = (r: RealRun): string => `${(r.wallMs / 1000).toFixed(2)} s, ${(r.cpuMs / regions).toFixed(0)} ms CPU per region`;
  const trial = (name: string, run: () => Promise<RealRun>): Trial<RealRun> => ({ id: `${job.key} ${name}`, run: verified(run), describe });
  const jobFiles = ISOLATION_LEVELS.map((mode) => writeJobFile(dir, job, mode));
  const results = await interleave<RealRun>(ctx.reps, [
    trial('sequential', () => sequentialRun(job, dir)),
    trial('split', () => splitRun(job, dir, concurrency)),
    trial('raw piscina', () => rawPiscinaRun(job, concurrency)),
    ...ISOLATION_LEVELS.map((mode, i) => trial(`dproc ${mode}`, () => dprocRun(job, jobFiles[i], concurrency, join(dir, `${job.key}-${mode}-data`)))),
  ]);
  const get = (name: string): TrialResult<RealRun> | undefined => results.get(`${job.key} ${name}`);
  const [seq, split, raw] = [get('sequential'), get('split'), get('raw piscina')];
  const modes = ISOLATION_LEVELS.map((mode) => get(`dproc ${mode}`)!);
  const id = `real.${job.key}`;
  const shareSizes = shares(job.regions, concurrency).map((s) => s.length).join(' + ');
  const rows: Row[] = [heading];
  if (ok(seq)) {
    rows.push(
      figure(`${id}.region`, 'one region in the sequential process (median)', 'ms', seq.samples.map((r) => median(r.regionMs)), { detail: true }),
      figure(`${id}.first-region`, 'its first region (cold: hyparquet not yet JIT-compiled)', 'ms', seq.samples.map((r) => r.regionMs[0]), { detail: true }),
    );
  } else rows.push(failed(`${id}.region`, 'one region in the sequential process', 'ms', notMeasured(seq), { detail: true }));
  const splitLabel = `split: ${concurrency} plain node processes (${shareSizes} regions), the denominator`;
  if (ok(split)) {
    rows.push(
      figure(`${id}.split`, splitLabel, 's', split.samples.map((r) => r.wallMs / 1000), { digits: 2 }),
      figure(`${id}.split.cpu`, 'CPU per region (user + sys, whole process tree)', 'ms', split.samples.map((r) => r.cpuMs / regions), { detail: true }),
    );
  } else rows.push(failed(`${id}.split`, splitLabel, 's', notMeasured(split)));
  rows.push(...versusSplit(`${id}.sequential`, 'sequential: 1 plain node process / split', seq, split, regions));
  rows.push(...versusSplit(`${id}.raw`, `raw piscina (warm), ${concurrency} threads / split`, raw, split, regions));
  ISOLATION_LEVELS.forEach((mode, i) => {
    const isDefault = mode === defaultMode;
    const label = `dproc ${mode}${isDefault ? ' (the default)' : ''} / split`;
    rows.push(...versusSplit(`${id}.dproc-${mode}`, label, modes[i], split, regions, isDefault ? DEFAULT_TARGET : undefined));
    rows.push(...dprocPhaseRows(`${id}.dproc-${mode}`, modes[i]));
  });
  rows.push(modesVersus(`${id}.slowest-vs-sequential`, 'slowest', 'sequential', modes, seq));
  rows.push(modesVersus(`${id}.fastest-vs-raw`, 'fastest', 'raw piscina (warm)', modes, raw));
  return rows;
}

/** The one-task job from the shell on Node 24 and on the machine's Node, each after one untimed warm-up run. */
async function oneTaskRows(ctx: BenchContext, dir: string): Promise<Row[]> {
  const job = writeOneTaskJob(dir);
  const dataDir = join(dir, 'one-task-data');
  const node24 = join(ROOT, 'node_modules', '.bin', 'node');
  const nodes = [
    { key: 'node24', path: existsSync(node24) ? node24 : process.execPath, shown: 'node_modules/.bin/node' },
    { key: 'system', path: SYSTEM_NODE, shown: SYSTEM_NODE },
  ];
  const rows: Row[] = [];
  const trials: Trial<number>[] = [];
  const labels = new Map<string, string>();
  for (const n of nodes) {
    const id = `real.one-task.${n.key}`;
    if (!existsSync(n.path)) {
      rows.push(skipped(id, `one-task job, ${n.shown} bin/dproc.js run one.yaml --json`, 'ms', `${n.path} does not exist`, { target: ONE_TASK_TARGET }));
      continue;
    }
    const version = execFileSync(n.path, ['--version'], { encoding: 'utf8' }).trim();
    const via = Number(version.slice(1).split('.')[0]) < 22 ? ', through the launcher' : '';
    labels.set(n.key, `one-task job: ${n.shown} bin/dproc.js run one.yaml --json (${version}${via}), spawn → exit`);
    trials.push({
      id: `one-task ${n.key}`,
      run: () => oneTaskRun(n.path, job, dataDir),
      describe: (ms) => `${ms.toFixed(0)} ms`,
    });
  }
  // One warm-up run each (fills Node's compile cache and creates the data dir), not counted.
  for (const t of trials) await t.run().catch(() => {});
  const results = await interleave(Math.max(ONE_TASK_RUNS, ctx.reps), trials);
  for (const [name, r] of results) {
    const key = name.split(' ')[1];
    const label = labels.get(key)!;
    const id = `real.one-task.${key}`;
    rows.push(r.error === undefined ? figure(id, label, 'ms', r.samples, { target: ONE_TASK_TARGET }) : failed(id, label, 'ms', r.error, { target: ONE_TASK_TARGET }));
  }
  return rows;
}

/** Measurement 6: a job reading real data (3,000,000 flights, parquet) every way it can be run here. */
export async function realWorkSuite(ctx: BenchContext): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'dproc-bench-real-'));
  const concurrency = availableParallelism();
  try {
    const rows = await oneTaskRows(ctx, dir);

    const groups = await rowGroupJob(Math.min(ROW_GROUPS, scaled(ctx, ROW_GROUPS, 2)));
    const groupRows = formatNumber(groups.regions[0].rows, 0);
    progress(`real work (a): ${groups.regions.length} regions of one row group (${groupRows} rows) each`);
    const headingA = figure('real.groups.rows', `(a) ${groups.regions.length} regions, one row group of the original file each: rows per region`, 'rows', [groups.regions[0].rows], { digits: 0 });
    rows.push(...(await sizeRows(ctx, groups, headingA, dir, concurrency)));

    const slices = await slicesJob(dir, scaled(ctx, SMALL_REGIONS, 4), SMALL_REGION_MS);
    progress(`real work (b): ${slices.regions.length} regions of ${slices.rowsPerRegion} rows, ${slices.regionMs.toFixed(1)} ms warm in this thread`);
    const headingB = figure(
      'real.slices.rows',
      `(b) ${slices.regions.length} regions of ~${SMALL_REGION_MS} ms (calibrated: ${formatNumber(slices.regionMs, 1)} ms warm in the bench's thread): rows per region`,
      'rows',
      [slices.rowsPerRegion],
      { digits: 0 },
    );
    rows.push(...(await sizeRows(ctx, slices, headingB, dir, concurrency)));

    return {
      id: '6',
      title: `Real work: 3,000,000 US flights (vega-datasets' flights-3m.parquet) read with hyparquet, concurrency ${concurrency}`,
      rows,
      notes: [
        `Every row runs the same processors (examples/flight-delays: read-flights.mjs per region, combine-flights.mjs after) on the same regions, and every run must add up to the same totals (records of all regions = the aggregate's = the job's rows; delay, distance, busiest origin equal in every row) or its row is an ERROR. Rows are interleaved rep by rep (${ctx.reps} reps).`,
        `The denominator is \`split\`: ${concurrency} plain \`node\` processes started together, each running a contiguous share of the regions (what \`xargs -P ${concurrency}\` gives), timed from the first spawn to the last exit, plus the aggregate run in the bench on their outputs. Every other row is its wall time over split's, per repetition. \`sequential\` is one plain node process looping over every region, then the aggregate. \`raw piscina (warm)\`: a pool whose ${concurrency} threads have started and imported the processor (untimed), timed from submitting every region to the last result, plus the aggregate in the bench. \`dproc <mode>\`: \`node bin/dproc.js run JOB --json --concurrency ${concurrency} --data-dir DIR\` from the repository root with Node ${process.versions.node}, timed spawn → exit, isolation set in the job file's defaults, no retries; one data dir per mode, kept across reps.`,
        'CPU per region: user + system time of the whole process tree over the regions. For spawned rows it is the bench\'s reaped-children time (/proc/self/stat cutime + cstime, 10 ms ticks) before and after: the kernel adds every waited-for descendant (the launcher\'s CLI child, its process-isolation children) to it, with no `time` or `bash -c times` wrapper on the timed path. For raw piscina it is process.cpuUsage() of the bench itself (all its threads).',
        `Size (b): hyparquet decodes a whole page per column and the original file has one page per column per row group, so a slice of a few thousand rows costs nearly its whole row group (~150 of ~200 ms warm). So the first ${formatNumber(slices.rows, 0)} rows are rewritten (hyparquet-writer, SNAPPY, into the section's temp dir) with row groups of the size that takes ~${SMALL_REGION_MS} ms here, estimated at start on a probe file of 20,000-row groups, checked on the written file (rewritten once if more than 20% off); each region reads one of them.`,
        'dproc rows: "spawn → first region started" is the CLI\'s start-up (launcher, CLI child, store, plan) and the first worker\'s; "one region as dproc timed it" includes what the isolation costs inside an attempt (a new thread or process, loading and JIT-compiling hyparquet again).',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
