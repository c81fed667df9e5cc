import type { TaskSnapshot } from '../../../shared/snapshot.ts';

/** `[region-a] process-region-a` — how every CLI line names a task. */
export function taskLabel(t: Pick<TaskSnapshot, 'id' | 'name'>): string {
  return `[${t.id}] ${t.name}`;
}

/** The whole path of a task's states: `BLOCKED -> QUEUED -> IN_PROGRESS -> COMPLETE`. */
export function statePath(t: TaskSnapshot): string {
  return t.history.map((h) => h.state).join(' -> ');
}

/** `region-a` → `Region A`: a readable title from a task id. */
export function titleFromId(id: string): string {
  return id
    .split(/[-_.]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}

/** A short human form of a processor's `summary` (string as is; objects as `key value, …`). */
export function formatSummary(summary: unknown): string {
  if (summary === undefined || summary === null) return '';
  if (typeof summary === 'string') return summary;
  if (typeof summary !== 'object') return String(summary);
  return Object.entries(summary as Record<string, unknown>)
    .map(([k, v]) => `${k} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/** `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Milliseconds as `850 ms`, `12.3 s` or `4m 05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}
