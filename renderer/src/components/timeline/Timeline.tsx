import { useMemo, useState } from 'react';
import { useApp } from '../../store/index.ts';
import { isRunLive } from '../../store/selectors.ts';
import { formatDuration, stateLabel } from '../common/format.ts';
import { useNow, useThrottled } from '../common/hooks.ts';
import { buildTimeline, type TimelineBar } from './timeline-model.ts';

const ZOOMS = [1, 2, 4, 8, 16];

/** Gantt of attempts: one lane per worker slot; failed attempts hatched, retries marked. */
export function Timeline() {
  const live = useApp((s) => s.snapshot);
  const offset = useApp((s) => s.clockOffset) ?? 0;
  const selectTask = useApp((s) => s.selectTask);
  const snapshot = useThrottled(live, 500);
  const running = snapshot ? isRunLive(snapshot) : false;
  const now = useNow(1_000, running) - offset;
  const [zoom, setZoom] = useState(1);
  const model = useMemo(() => (snapshot ? buildTimeline(snapshot, now) : undefined), [snapshot, now]);
  if (!model || !live || snapshot?.runId !== live.runId) return null;
  if (model.lanes.length === 0) return <p className="empty" data-testid="timeline">No attempt has started yet.</p>;
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline__toolbar">
        <span>
          {model.lanes.length} slot{model.lanes.length === 1 ? '' : 's'} · {formatDuration(model.end - model.start)}
        </span>
        <label>
          Zoom
          <select data-testid="timeline-zoom" value={zoom} onChange={(e) => setZoom(Number(e.target.value))}>
            {ZOOMS.map((z) => (
              <option key={z} value={z}>
                {z}×
              </option>
            ))}
          </select>
        </label>
        <span className="timeline__legend">
          <span className="timeline__swatch" data-state="COMPLETE" /> succeeded
          <span className="timeline__swatch timeline__swatch--failed" data-state="FAILED" /> failed
          <span className="timeline__swatch timeline__swatch--retry" data-state="IN_PROGRESS" /> retry
        </span>
      </div>
      <div className="timeline__scroll">
        <div className="timeline__canvas" style={{ width: `${zoom * 100}%` }}>
          <div className="timeline__axis" aria-hidden="true">
            {model.ticks.map((t) => (
              <span key={t.at} style={{ left: `${t.left * 100}%` }}>
                {t.at === 0 ? '0' : formatDuration(t.at)}
              </span>
            ))}
          </div>
          {model.lanes.map((lane) => (
            <div key={lane.slot} className="timeline__lane" data-testid={`timeline-lane-${lane.slot}`}>
              <span className="timeline__label">slot {lane.slot}</span>
              <div className="timeline__track">
                {lane.bars.map((bar) => (
                  <Bar key={bar.attempt.attemptId} bar={bar} onOpen={selectTask} />
                ))}
              </div>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function Bar({ bar, onOpen }: { bar: TimelineBar; onOpen: (taskId: string) => void }) {
  const { attempt, taskId } = bar;
  const classes = ['timeline__bar'];
  if (attempt.state === 'FAILED') classes.push('timeline__bar--failed');
  if (attempt.attempt > 1) classes.push('timeline__bar--retry');
  const duration = attempt.finishedAt ? formatDuration(attempt.finishedAt - attempt.startedAt) : 'running';
  const title = `${taskId} · attempt ${attempt.attempt} · ${stateLabel(attempt.state)} · ${duration}${attempt.error ? ` · ${attempt.error.message}` : ''}`;
  return (
    <button
      type="button"
      className={classes.join(' ')}
      data-testid={`timeline-bar-${taskId}-${attempt.attempt}`}
      data-task-id={taskId}
      data-attempt={attempt.attempt}
      data-state={attempt.state}
      style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }}
      title={title}
      aria-label={title}
      onClick={() => onOpen(taskId)}
    >
      <span>
        {taskId}
        {attempt.attempt > 1 ? ` #${attempt.attempt}` : ''}
      </span>
    </button>
  );
}
