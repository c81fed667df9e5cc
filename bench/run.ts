// `npm run bench`: measures the engine in one run and prints one table (or --json), with every target
// marked PASS or MISS. Exits non-zero only when a measurement crashed, never for a missed target.
//
//   node bench/run.ts [--json] [--reps N] [--scale F] [--only 1,3]
//
// --reps: repetitions of each short measurement (default 3; the median is reported).
// --scale: multiplies task counts, for a quick look while developing (default 1, the brief's sizes).
// --only: run only these sections (3 feeds 4's replay; 4 alone measures appends only).
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { bundleWorkerEntries } from './lib/executors.ts';
import { progress } from './lib/measure.ts';
import { renderTable, summariseRows, type Report, type Section } from './lib/report.ts';
import type { BenchContext } from './suites/context.ts';
import { journalSuite } from './suites/journal.ts';
import { memorySuite } from './suites/memory.ts';
import { realWorkSuite } from './suites/real-work.ts';
import { speedupSuite } from './suites/speedup.ts';
import { throughputSuite } from './suites/throughput.ts';
import { uiSuite } from './suites/ui.ts';

const USAGE = `Usage: node bench/run.ts [--json] [--reps N] [--scale F] [--only 1,3]

Measures the engine in one run and prints one table, every target marked PASS or MISS.
  --json       the same figures as JSON, every sample (progress stays on stderr)
  --reps N     repetitions of each short measurement (default 3; the median is reported)
  --scale F    multiplies task counts, for a quick look while developing (default 1)
  --only LIST  sections to run: 1 throughput, 2 speedup, 3 memory, 4 journal, 5 UI (needs npm run build),
               6 real work (a parquet job every way: plain node, raw piscina, dproc per isolation)
Exits non-zero only when a measurement crashed, never for a missed target.
`;
let parsed;
try {
  parsed = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      reps: { type: 'string', default: '3' },
      scale: { type: 'string', default: '1' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const reps = Math.max(1, Number.parseInt(values.reps, 10) || 3);
const scale = Number(values.scale) > 0 ? Number(values.scale) : 1;
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined;

const suites: { id: string; name: string; run: (ctx: BenchContext) => Promise<Section> }[] = [
  { id: '1', name: 'throughput', run: throughputSuite },
  { id: '2', name: 'parallel speedup', run: speedupSuite },
  { id: '3', name: 'memory', run: memorySuite },
  { id: '4', name: 'journal', run: journalSuite },
  { id: '5', name: 'ui streaming', run: uiSuite },
  { id: '6', name: 'real work', run: realWorkSuite },
];

const started = new Date();
const t0 = performance.now();
const loadAvgStart = loadavg();
const bundle = await bundleWorkerEntries().catch((err: unknown) => {
  progress(`could not bundle the worker entries: ${err instanceof Error ? err.message : String(err)}`);
  return null;
});
const ctx: BenchContext = { reps, scale, bundled: bundle?.entries ?? null };
const sections: Section[] = [];
try {
  for (const suite of suites) {
    if (only && !only.has(suite.id)) continue;
    progress(`${suite.id}. ${suite.name}`);
    try {
      sections.push(await suite.run(ctx));
    } catch (err) {
      // A suite that dies outside its own measurements still gets a section (an ERROR row), so the
      // table says what broke and the exit code says that something did.
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      progress(`${suite.name} crashed: ${message}`);
      sections.push({
        id: suite.id,
        title: suite.name,
        rows: [{ id: `${suite.name}.crash`, label: suite.name, unit: '', status: 'ERROR', error: message.split('\n')[0] }],
        notes: [],
      });
    }
  }
} finally {
  if (bundle) rmSync(bundle.dir, { recursive: true, force: true });
  if (ctx.bigRun) rmSync(ctx.bigRun.dataDir, { recursive: true, force: true });
}

const report: Report = {
  meta: {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    loadAvgStart,
    loadAvgEnd: loadavg(),
    reps,
    startedAt: started.toISOString(),
    totalSeconds: (performance.now() - t0) / 1000,
  },
  summary: summariseRows(sections),
  sections,
};
process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderTable(report)}\n`);
if (report.summary.errors > 0) {
  process.exitCode = 1;
}
