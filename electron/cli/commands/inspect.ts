import type { Engine } from '../../engine/engine.ts';
import { sinkTasks } from '../../../shared/run-report.ts';
import { runSummaryBlock } from '../output/summary.ts';
import { formatDuration } from '../output/format.ts';
import { writeJson, writeLines } from '../output/chunked-write.ts';

/** `dproc runs`: recent runs with their state and task counts. */
export function runsCommand(engine: Engine, opts: { json?: boolean; limit?: number }): number {
  const runs = engine.store.listRuns({ limit: opts.limit ?? 20 });
  if (opts.json) {
    writeJson(runs, (text) => process.stdout.write(text));
    return 0;
  }
  if (runs.length === 0) {
    process.stdout.write(`No runs yet in ${engine.dataDir}\n`);
    return 0;
  }
  const rows = runs.map((r) => [
    r.runId,
    r.jobName,
    r.state,
    `${r.counts.COMPLETE}/${r.taskCount}`,
    String(r.counts.FAILED + r.counts.UPSTREAM_FAILED),
    String(r.counts.SKIPPED),
    new Date(r.createdAt).toISOString().replace('T', ' ').slice(0, 19),
    r.finishedAt ? formatDuration(r.finishedAt - r.createdAt) : '-',
  ]);
  const header = ['RUN', 'JOB', 'STATE', 'COMPLETE', 'FAILED', 'SKIPPED', 'CREATED (UTC)', 'TOOK'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
  return 0;
}

/** `dproc show RUN_ID`: a stored run's tasks and results (the same JSON as `run --json`). */
export function showCommand(engine: Engine, runId: string, opts: { json?: boolean }): number {
  const snapshot = engine.store.loadSnapshot(runId);
  const report = engine.report(runId, snapshot);
  if (opts.json) {
    writeJson(report, (text) => process.stdout.write(text));
    return 0;
  }
  const write = (text: string) => process.stdout.write(text);
  writeLines([`Run ${runId} · ${snapshot.jobName} · ${snapshot.jobFile}`], write);
  writeLines(runSummaryBlock(snapshot, report, sinkTasks(snapshot)), write);
  return 0;
}
