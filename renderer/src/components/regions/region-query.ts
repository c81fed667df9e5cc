import type { RunSnapshot, TaskSnapshot } from '../../../../shared/snapshot.ts';
import { TASK_STATES } from '../../../../shared/states.ts';
import type { RegionSortKey, RegionsQuery } from '../../store/ui-slice.ts';

const STATE_RANK = new Map(TASK_STATES.map((s, i) => [s, i]));

/** Duration of the task's latest attempt (to `now` while it runs). */
export function lastAttemptDuration(task: TaskSnapshot, now: number): number | undefined {
  const last = task.attempts[task.attempts.length - 1];
  if (!last) return undefined;
  return (last.finishedAt ?? now) - last.startedAt;
}

export function progressFraction(task: TaskSnapshot): number {
  if (task.state === 'COMPLETE') return 1;
  return task.progress?.total ? task.progress.done / task.progress.total : 0;
}

const SORT_VALUE: Record<Exclude<RegionSortKey, 'order'>, (t: TaskSnapshot, now: number) => number | string> = {
  name: (t) => t.name.toLowerCase(),
  state: (t) => STATE_RANK.get(t.state) ?? 0,
  progress: (t) => progressFraction(t),
  attempts: (t) => t.attempts.length,
  duration: (t, now) => lastAttemptDuration(t, now) ?? -1,
  error: (t) => t.lastError?.message ?? '',
};

/** Ids of the rows to show, filtered by state and search text and sorted; ties keep job-file order. */
export function regionRows(snapshot: RunSnapshot, query: RegionsQuery, now: number): string[] {
  const needle = query.search.trim().toLowerCase();
  const ids = snapshot.order.filter((id) => {
    const t = snapshot.tasks[id];
    if (query.state !== 'ALL' && t.state !== query.state) return false;
    if (!needle) return true;
    return (
      t.id.toLowerCase().includes(needle) ||
      t.name.toLowerCase().includes(needle) ||
      (t.lastError?.message.toLowerCase().includes(needle) ?? false)
    );
  });
  if (query.sort === 'order') return query.descending ? ids.reverse() : ids;
  const value = SORT_VALUE[query.sort];
  const keyed = ids.map((id, i) => ({ id, i, v: value(snapshot.tasks[id], now) }));
  const dir = query.descending ? -1 : 1;
  keyed.sort((a, b) => (a.v < b.v ? -dir : a.v > b.v ? dir : a.i - b.i));
  return keyed.map((k) => k.id);
}
