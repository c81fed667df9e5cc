import type { Row, Section, Target } from '../lib/report.ts';
import { runUiBench } from '../ui/run.ts';
import type { BenchContext } from './context.ts';

/** "<= 30" → a Target the table can judge. */
function parseTarget(text: string): Target | undefined {
  const m = /^(<=|>=|<|>)\s*([\d.]+)/.exec(text.trim());
  return m ? { op: m[1] as Target['op'], value: Number(m[2]) } : undefined;
}

/** Measurement 5: the UI's streaming in Chromium through `dproc serve` (bench/ui/run.ts), as rows of this table. */
export async function uiSuite(_ctx: BenchContext): Promise<Section> {
  const rows: Row[] = (await runUiBench()).map((r) => {
    const target = parseTarget(r.target);
    const row: Row = { id: r.metric, label: r.metric, unit: r.unit, detail: !target };
    if (r.value !== null) row.value = { median: r.value, min: r.value, max: r.value, samples: [r.value] };
    if (target) {
      row.target = target;
      row.status = r.pass ? 'PASS' : 'MISS';
    }
    return row;
  });
  return {
    id: '5',
    title: 'UI streaming: 1,000 regions reporting progress 20×/s, in Chromium through dproc serve (needs npm run build)',
    rows,
    notes: [
      'Method in bench/ui/run.ts: batches counted from WebSocket frames the page receives; busy time from CDP Performance.getMetrics (TaskDuration / wall); event → DOM from a MutationObserver on the region tiles, against the event\'s own timestamp.',
      'Concurrency 200 (pooled): one thread per slot costs ~15 MB; 1,000 threads would need ~15 GB. 1,000 regions still stream, 200 live at a time.',
    ],
  };
}
