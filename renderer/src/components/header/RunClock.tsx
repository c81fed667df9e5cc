import type { RunSnapshot } from '../../../../shared/snapshot.ts';
import { useApp } from '../../store/index.ts';
import { completionRate, isRunLive, runProgress } from '../../store/selectors.ts';
import { formatDuration } from '../common/format.ts';
import { useNow } from '../common/hooks.ts';

/** Elapsed time, ETA and regions/s, on the engine's clock (client time corrected by clockOffset). */
export function RunClock({ snapshot }: { snapshot: RunSnapshot }) {
  const live = isRunLive(snapshot);
  const offset = useApp((s) => s.clockOffset) ?? 0;
  const now = useNow(1_000, live) - offset;
  const end = snapshot.finishedAt ?? (live ? now : lastEventAt(snapshot));
  const elapsed = end - snapshot.startedAt;
  const rate = live ? completionRate(snapshot, now) : 0;
  const { total, settled } = runProgress(snapshot);
  const overall = elapsed > 0 ? (settled * 1000) / elapsed : 0;
  // Only while the engine is making progress by itself (not while it waits for a person).
  const eta = snapshot.state === 'RUNNING' && settled < total ? etaMs(total - settled, rate || overall) : undefined;
  return (
    <div className="run-clock">
      <span>
        <small>elapsed</small> <b data-testid="run-elapsed">{formatDuration(elapsed)}</b>
      </span>
      <span>
        <small>ETA</small> <b data-testid="run-eta">{eta === undefined ? '—' : formatDuration(eta)}</b>
      </span>
      <span>
        <small>regions/s</small> <b data-testid="run-rate">{live ? rate.toFixed(1) : '—'}</b>
      </span>
    </div>
  );
}

function etaMs(remaining: number, perSecond: number): number | undefined {
  return perSecond > 0 ? (remaining / perSecond) * 1000 : undefined;
}

/** For a run nobody is driving (interrupted): the last time anything happened to it. */
function lastEventAt(snapshot: RunSnapshot): number {
  let last = snapshot.startedAt;
  for (const id of snapshot.order) {
    const h = snapshot.tasks[id].history;
    last = Math.max(last, h[h.length - 1].at);
  }
  return last;
}
