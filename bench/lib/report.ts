import { summarise, type Sampled } from './stats.ts';

// The bench's output model: sections of rows, each row one figure (median of its repetitions) with an
// optional target. Rendered as an aligned plain-text table or as JSON; both come from the same objects.

/** A figure's goal: `>= 5000`, `< 500`... */
export interface Target {
  op: '>=' | '<=' | '>' | '<';
  value: number;
}

/** PASS/MISS only for rows with a target; ERROR when the measurement crashed. */
export type Status = 'PASS' | 'MISS' | 'ERROR';

/** One figure of the table. */
export interface Row {
  id: string;
  label: string;
  unit: string;
  value?: Sampled;
  target?: Target;
  status?: Status;
  /** Decimals shown; default picks from the magnitude. */
  digits?: number;
  /** Rows that explain the row above them are indented. */
  detail?: boolean;
  note?: string;
  error?: string;
}

/** A numbered block of the table: one of the brief's measurements. */
export interface Section {
  id: string;
  title: string;
  rows: Row[];
  /** Sentences printed under the section (what was run, how to read it). */
  notes: string[];
}

/** Facts about the machine and the run, printed as the header. */
export interface ReportMeta {
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  loadAvgStart: number[];
  loadAvgEnd: number[];
  reps: number;
  startedAt: string;
  totalSeconds: number;
}

/** Counts over all rows, so a script reading --json need not walk the sections. */
export interface ReportSummary {
  pass: number;
  miss: number;
  /** Measurements that crashed: these (and only these) make the exit code non-zero. */
  errors: number;
}

/** Everything one bench run measured. */
export interface Report {
  meta: ReportMeta;
  summary: ReportSummary;
  sections: Section[];
}

/** PASS/MISS/ERROR counts over every row of the sections. */
export function summariseRows(sections: readonly Section[]): ReportSummary {
  const rows = sections.flatMap((s) => s.rows);
  return {
    pass: rows.filter((r) => r.status === 'PASS').length,
    miss: rows.filter((r) => r.status === 'MISS').length,
    errors: rows.filter((r) => r.status === 'ERROR').length,
  };
}

/** Options of a figure row. */
export interface RowOptions {
  target?: Target;
  digits?: number;
  detail?: boolean;
  note?: string;
}

/** A row from repeated samples, with PASS/MISS judged on the median. */
export function figure(id: string, label: string, unit: string, samples: readonly number[], options: RowOptions = {}): Row {
  const value = summarise(samples);
  const row: Row = { id, label, unit, value, ...options };
  if (options.target) row.status = meets(value.median, options.target) ? 'PASS' : 'MISS';
  return row;
}

/** A row for a measurement that crashed: it keeps its place in the table and makes the exit code non-zero. */
export function failed(id: string, label: string, unit: string, error: unknown, options: RowOptions = {}): Row {
  const message = error instanceof Error ? error.message : String(error);
  return { id, label, unit, ...options, status: 'ERROR', error: message.split('\n')[0] };
}

/** A row that was deliberately not measured (a tool is missing): shown with why, not counted as a crash. */
export function skipped(id: string, label: string, unit: string, why: string, options: RowOptions = {}): Row {
  return { id, label, unit, ...options, note: `not measured: ${why}` };
}

/** Whether a value meets its target. */
export function meets(value: number, target: Target): boolean {
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<=':
      return value <= target.value;
    case '>':
      return value > target.value;
    case '<':
      return value < target.value;
  }
}

/** A number with thousands separators and a sensible number of decimals. */
export function formatNumber(n: number, digits?: number): string {
  if (!Number.isFinite(n)) return String(n);
  const d = digits ?? (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
  return n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** The aligned plain-text table. */
export function renderTable(report: Report): string {
  const m = report.meta;
  const out: string[] = [];
  out.push(`dproc bench · Node ${m.node} · ${m.platform} · ${m.cpus} × ${m.cpuModel}`);
  out.push(
    `load average ${m.loadAvgStart.map((l) => l.toFixed(2)).join(' ')} at start, ${m.loadAvgEnd.map((l) => l.toFixed(2)).join(' ')} at end · ` +
      `${m.reps} repetitions per figure unless noted: median, [min..max] · ${m.startedAt} · ${m.totalSeconds.toFixed(0)} s`,
  );
  const header = ['figure', 'median', 'unit', 'range', 'target', 'result'];
  for (const section of report.sections) {
    const lines: string[][] = [header];
    for (const r of section.rows) {
      const label = (r.detail ? '  ' : '') + r.label;
      const v = r.value;
      const range =
        v && v.samples.length > 1 ? `[${formatNumber(v.min, r.digits)}..${formatNumber(v.max, r.digits)}] n=${v.samples.length}` : v ? 'n=1' : '';
      const target = r.target ? `${r.target.op} ${formatNumber(r.target.value, r.digits)}` : '';
      const median = v ? formatNumber(v.median, r.digits) : r.status === 'ERROR' ? 'ERROR' : '';
      lines.push([label, median, r.unit, range, target, r.status ?? '']);
    }
    const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
    const right = new Set([1, 3]);
    const fmt = (l: string[]): string =>
      l.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
    out.push('', `${section.id}. ${section.title}`);
    out.push('   ' + fmt(lines[0]));
    out.push('   ' + widths.map((w) => '-'.repeat(w)).join('  '));
    section.rows.forEach((r, i) => {
      out.push('   ' + fmt(lines[i + 1]));
      if (r.error) out.push(`      ! ${r.error}`);
    });
    const notes = [...section.rows.filter((r) => r.note).map((r) => `${r.label.trim()}: ${r.note}`), ...section.notes];
    for (const n of notes) out.push(wrap(n, 108, '   · ', '     '));
  }
  const { pass, miss, errors } = report.summary;
  out.push('', `targets: ${pass} PASS, ${miss} MISS; measurements crashed: ${errors}`);
  return out.join('\n');
}

function wrap(text: string, width: number, first: string, rest: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = first;
  for (const w of words) {
    if (line.length + w.length + 1 > width && line.trim().length > 0 && line !== first) {
      lines.push(line.trimEnd());
      line = rest;
    }
    line += (line === first || line === rest ? '' : ' ') + w;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}
