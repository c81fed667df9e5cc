/** "850 ms", "12.4 s", "3m 05s", "2h 07m". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0) ms = 0;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.floor(ms / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h ${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}

/** Local wall-clock time, to the second. */
export function formatClock(at: number | undefined): string {
  if (at === undefined) return '—';
  return new Date(at).toLocaleTimeString(undefined, { hour12: false });
}

/** Local date and time, for history. */
export function formatDateTime(at: number | undefined): string {
  if (at === undefined) return '—';
  return new Date(at).toLocaleString(undefined, { hour12: false });
}

export function formatPercent(fraction: number): string {
  return `${Math.floor(fraction * 100)}%`;
}

// One formatter: toLocaleString() builds a new one per call, which shows up in profiles of 1,000-task views.
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

/** A state name as people read it: UPSTREAM_FAILED → "upstream failed". */
export function stateLabel(state: string): string {
  return state.toLowerCase().replace(/_/g, ' ');
}
