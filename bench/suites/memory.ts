import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerEnv } from '../../electron/engine/executors/worker-env.ts';
import type { MemoryChildResult } from '../memory-child.ts';
import { progress } from '../lib/measure.ts';
import { failed, figure, formatNumber, type Row, type Section } from '../lib/report.ts';
import { scaled, type BenchContext } from './context.ts';

/** A stuck child must not stall the bench forever; the job normally takes 20-60 s here. */
const CHILD_TIMEOUT_MS = 240_000;

/** The V8 flags the dproc CLI drives a big run with (bin/dproc.js reads the same file; electron/cli/launch.ts). */
export const CLI_NODE_FLAGS: string[] = JSON.parse(readFileSync(new URL('../../bin/node-flags.json', import.meta.url), 'utf8')) as string[];

/**
 * Runs bench/memory-child.ts under this Node and parses the JSON line it prints. `nodeFlags`: the Node
 * options of the child (default: the CLI's, so the figure is what `dproc run` uses).
 */
export function runMemoryChild(regions: number, dataDir: string, extraArgs: string[] = [], nodeFlags: string[] = CLI_NODE_FLAGS): Promise<MemoryChildResult> {
  const script = fileURLToPath(new URL('../memory-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script, '--regions', String(regions), '--data-dir', dataDir, ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // As bin/dproc.js runs the CLI (and the engine its workers): from Node's compile cache.
      env: workerEnv(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) return resolve(JSON.parse(last) as MemoryChildResult);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`memory child exited with ${signal ?? `code ${code}`}${signal === 'SIGKILL' ? ` (timeout ${CHILD_TIMEOUT_MS / 1000} s?)` : ''}: ${tail}`));
    });
  });
}

/** Measurement 3: peak RSS of a coordinator running a 100,000-region fan-in, in a child process. */
export async function memorySuite(ctx: BenchContext): Promise<Section> {
  const regions = scaled(ctx, 100_000, 100);
  const title = `Memory: ${formatNumber(regions)} no-op regions + 1 aggregate, pooled, concurrency 2, RunStore journal, in a child process`;
  const notes = [
    `The child runs as bin/dproc.js runs the CLI: with its Node flags (bin/node-flags.json: ${CLI_NODE_FLAGS.join(' ')}) and from Node's compile cache (warmed by a 100-region run first). The last rows run the same job under V8's default heap sizing, as the Electron main process or a plain \`node electron/cli/main.ts\` would.`,
    'One run (it is long, and a peak is not a rate): the child samples process.memoryUsage() every 50 ms and reports resourceUsage().maxRSS, the kernel\'s high-water mark, which no sampling gap can miss. RSS covers the whole process: the coordinator plus its 2 pooled worker threads and SQLite\'s page cache.',
    'Job shape: the plain fan-in every dproc job has, at full size; the aggregate receives all upstream outputs (each a serialised number: tiny), so per-task bookkeeping dominates, not output payloads. The aggregate checks that it saw every region.',
  ];
  const dataDir = mkdtempSync(join(tmpdir(), 'dproc-bench-big-'));
  let r: MemoryChildResult;
  try {
    progress(`memory: ${formatNumber(regions + 1)} tasks in a child process (about 20-60 s)`);
    // A small run first fills the compile cache, as any earlier dproc command would have.
    const warmDir = mkdtempSync(join(tmpdir(), 'dproc-bench-warm-'));
    await runMemoryChild(100, warmDir).finally(() => rmSync(warmDir, { recursive: true, force: true }));
    r = await runMemoryChild(regions, dataDir);
  } catch (err) {
    ctx.bigRun = { dataDir, runId: '', events: 0 };
    return { id: '3', title, notes, rows: [failed('memory.max-rss', 'peak RSS (resourceUsage().maxRSS)', 'MB', err, { target: { op: '<', value: 500 } })] };
  }
  ctx.bigRun = { dataDir, runId: r.runId, events: r.events };
  progress(`memory: peak ${formatNumber(r.maxRssMb)} MB, ${formatNumber(r.tasksPerSecond)} tasks/s`);
  const at = (name: string): number => r.milestones.find((m) => m.at === name)?.rssMb ?? Number.NaN;
  const heapAt = (name: string): number => r.milestones.find((m) => m.at === name)?.heapUsedMb ?? Number.NaN;
  const rows: Row[] = [
    figure('memory.max-rss', 'peak RSS (resourceUsage().maxRSS)', 'MB', [r.maxRssMb], { target: { op: '<', value: 500 } }),
    figure('memory.peak-rss-sampled', 'peak RSS, sampled every 50 ms', 'MB', [r.peakRssSampledMb], { detail: true }),
    figure('memory.peak-heap', 'peak V8 heap used, coordinator thread only (garbage included)', 'MB', [r.peakHeapUsedMb], { detail: true }),
    figure('memory.outside-heap', 'at the peak, RSS outside the coordinator\'s V8 heap (Node, worker threads, SQLite)', 'MB', [r.outsideMainHeapAtPeakMb], { detail: true }),
    figure('memory.rss-baseline', 'RSS before the plan was built (Node + engine modules)', 'MB', [at('started')], { detail: true }),
    figure('memory.rss-plan', 'RSS with the JobPlan built', 'MB', [at('plan built')], { detail: true }),
    figure('memory.rss-started', 'RSS once Coordinator.start returned (run created, snapshot loaded)', 'MB', [at('Coordinator.start returned')], { detail: true }),
    figure('memory.heap-started', 'heap used once Coordinator.start returned', 'MB', [heapAt('Coordinator.start returned')], { detail: true }),
    figure('memory.rss-settled', 'RSS when the run settled (workers still up)', 'MB', [at('settled')], { detail: true }),
    figure('memory.heap-settled', 'heap used when the run settled', 'MB', [heapAt('settled')], { detail: true }),
    figure('memory.tasks-per-s', `tasks/s of the ${formatNumber(r.tasks)}-task run`, 'tasks/s', [r.tasksPerSecond]),
    figure('memory.wall', 'wall time, Coordinator.start to whenSettled', 's', [r.wallMs / 1000], { detail: true }),
    figure('memory.events', 'events journaled', 'events', [r.events], { detail: true }),
    figure('memory.max-gap', 'longest gap between two 50 ms samples (event loop blocked)', 'ms', [r.maxSampleGapMs], { detail: true }),
  ];
  const settledAt = r.milestones.find((m) => m.at === 'settled')?.ms ?? Number.NaN;
  const startedAt = r.milestones.find((m) => m.at === 'Coordinator.start returned')?.ms ?? Number.NaN;
  const gapWhere =
    r.maxSampleGapEndedAtMs <= startedAt + 60
      ? 'inside Coordinator.start (createRun + loadSnapshot of the 100,001-task plan)'
      : `${formatNumber((r.maxSampleGapEndedAtMs - startedAt) / 1000)} s after Coordinator.start returned, ${formatNumber((settledAt - r.maxSampleGapEndedAtMs) / 1000)} s before the run settled`;
  rows[rows.length - 1].note = `it ended ${gapWhere}`;
  // Side by side: the same job under V8's defaults, to show what the CLI's flags are worth.
  const defaultsDir = mkdtempSync(join(tmpdir(), 'dproc-bench-big-defaults-'));
  try {
    progress('memory: the same job under V8 default heap sizing');
    const d = await runMemoryChild(regions, defaultsDir, [], []);
    rows.push(
      figure('memory.max-rss-v8-defaults', 'peak RSS, same job, V8 default heap sizing (no flags)', 'MB', [d.maxRssMb]),
      figure('memory.peak-heap-v8-defaults', 'peak V8 heap used, coordinator thread, V8 defaults', 'MB', [d.peakHeapUsedMb], { detail: true }),
      figure('memory.tasks-per-s-v8-defaults', 'tasks/s, V8 defaults', 'tasks/s', [d.tasksPerSecond], { detail: true }),
    );
  } catch (err) {
    rows.push(failed('memory.max-rss-v8-defaults', 'peak RSS, same job, V8 default heap sizing (no flags)', 'MB', err));
  } finally {
    rmSync(defaultsDir, { recursive: true, force: true });
  }
  if (r.aggregateSaw !== regions) {
    rows.push(failed('memory.aggregate', 'aggregate saw every region', '', new Error(`the aggregate saw ${r.aggregateSaw} upstream outputs, expected ${regions}`)));
  }
  return { id: '3', title, rows, notes };
}
