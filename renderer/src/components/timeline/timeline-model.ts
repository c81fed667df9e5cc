import type { AttemptSnapshot, RunSnapshot } from '../../../../shared/snapshot.ts';

export interface TimelineBar {
  taskId: string;
  attempt: AttemptSnapshot;
  /** 0..1 of the time axis. */
  left: number;
  width: number;
}

export interface TimelineModel {
  start: number;
  end: number;
  lanes: { slot: number; bars: TimelineBar[] }[];
  ticks: { at: number; left: number }[];
}

const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600].map((s) => s * 1000);

/** Attempts laid out on one lane per worker slot, over the run's time span (running attempts end at `now`). */
export function buildTimeline(snapshot: RunSnapshot, now: number, targetTicks = 8): TimelineModel {
  let start = Infinity;
  let end = -Infinity;
  const bySlot = new Map<number, { taskId: string; attempt: AttemptSnapshot }[]>();
  for (const id of snapshot.order) {
    for (const attempt of snapshot.tasks[id].attempts) {
      start = Math.min(start, attempt.startedAt);
      end = Math.max(end, attempt.finishedAt ?? now);
      (bySlot.get(attempt.slot) ?? bySlot.set(attempt.slot, []).get(attempt.slot)!).push({ taskId: id, attempt });
    }
  }
  if (!Number.isFinite(start)) return { start: snapshot.startedAt, end: snapshot.startedAt, lanes: [], ticks: [] };
  if (snapshot.finishedAt) end = Math.max(end, snapshot.finishedAt);
  const span = Math.max(1, end - start);
  const lanes = [...bySlot.keys()]
    .sort((a, b) => a - b)
    .map((slot) => ({
      slot,
      bars: bySlot.get(slot)!.map(({ taskId, attempt }) => ({
        taskId,
        attempt,
        left: (attempt.startedAt - start) / span,
        width: ((attempt.finishedAt ?? now) - attempt.startedAt) / span,
      })),
    }));
  const step = TICK_STEPS_MS.find((s) => span / s <= targetTicks) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
  const ticks: TimelineModel['ticks'] = [];
  for (let t = 0; t <= span; t += step) ticks.push({ at: t, left: t / span });
  return { start, end, lanes, ticks };
}
