import type { RunReport } from '../../../shared/run-report.ts';
import type { RunSnapshot } from '../../../shared/snapshot.ts';
import { formatCount, formatDuration, formatSummary, statePath, taskLabel, titleFromId } from './format.ts';

interface Recorded {
  records?: unknown;
  summary?: unknown;
}

function describeOutput(output: unknown): string {
  if (output && typeof output === 'object' && ('records' in output || 'summary' in output)) {
    const o = output as Recorded;
    const parts: string[] = [];
    if (typeof o.records === 'number') parts.push(`${formatCount(o.records)} records`);
    const s = formatSummary(o.summary);
    if (s) parts.push(s);
    return parts.join(', ');
  }
  const json = JSON.stringify(output);
  return json === undefined ? '(no output)' : json.length > 200 ? `${json.slice(0, 197)}...` : json;
}

/** The `=== AGGREGATED RESULTS ===` block: a line per upstream task of the sink(s), then the total. */
export function* aggregatedResultLines(report: RunReport, sinks: string[]): Generator<string> {
  yield '=== AGGREGATED RESULTS ===';
  const byId = new Map(report.tasks.map((t) => [t.id, t]));
  for (const t of report.tasks) {
    if (sinks.includes(t.id)) continue;
    if (t.state === 'COMPLETE') yield `${titleFromId(t.id)}: ${describeOutput(t.output)}`;
    else {
      const err = t.attempts.at(-1)?.error?.message;
      yield `${titleFromId(t.id)}: missing (${t.state}${err ? `: ${err}` : ''})`;
    }
  }
  for (const id of sinks) {
    const t = byId.get(id)!;
    const label = sinks.length === 1 ? 'Total' : `Total (${titleFromId(id)})`;
    yield t.state === 'COMPLETE' ? `${label}: ${describeOutput(t.output)}` : `${label}: not available (${t.state})`;
  }
  if (report.missing.length > 0 && report.state === 'PARTIAL') yield `PARTIAL: the result lacks ${report.missing.join(', ')}`;
}

/**
 * Everything after the live part: the state paths, the aggregated results and the closing line. Line by
 * line as they are written (a big run has two lines per task).
 */
export function* runSummaryBlock(snapshot: RunSnapshot, report: RunReport, sinks: string[]): Generator<string> {
  yield '';
  for (const id of snapshot.order) yield `${taskLabel(snapshot.tasks[id])}: ${statePath(snapshot.tasks[id])}`;
  yield '';
  yield* aggregatedResultLines(report, sinks);
  yield '';
  yield closingLine(snapshot);
}

/** The last line: run id, state, duration, and how to continue when there is something to continue. */
export function closingLine(snapshot: RunSnapshot): string {
  const took = snapshot.finishedAt ? ` in ${formatDuration(snapshot.finishedAt - snapshot.startedAt)}` : '';
  const base = `Run ${snapshot.runId}: ${snapshot.state}${took}`;
  switch (snapshot.state) {
    case 'FAILED':
    case 'NEEDS_ATTENTION': {
      const failed = snapshot.order.filter((id) => ['FAILED', 'CANCELLED'].includes(snapshot.tasks[id].state));
      return failed.length > 0
        ? `${base}. Retry with: dproc retry ${snapshot.runId} ${failed.join(' ')}  (or skip them with: dproc skip ...)`
        : base;
    }
    case 'CANCELLED':
    case 'INTERRUPTED':
      return `${base}. Continue with: dproc resume ${snapshot.runId}`;
    default:
      return base;
  }
}
