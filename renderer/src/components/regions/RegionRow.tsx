import { memo } from 'react';
import { useApp } from '../../store/index.ts';
import { useTask } from '../../store/selectors.ts';
import { formatCount, formatDuration, formatPercent } from '../common/format.ts';
import { useNow } from '../common/hooks.ts';
import { ProgressBar } from '../common/ProgressBar.tsx';
import { StateBadge } from '../common/StateBadge.tsx';
import { lastAttemptDuration, progressFraction } from './region-query.ts';

export const ROW_HEIGHT = 34;

/** One task as a table row; re-renders when its own task changes (and each second while it runs). */
export const RegionRow = memo(function RegionRow({ taskId, top, index }: { taskId: string; top: number; index: number }) {
  const task = useTask(taskId);
  const selected = useApp((s) => s.selectedTaskId === taskId);
  const selectTask = useApp((s) => s.selectTask);
  const offset = useApp((s) => s.clockOffset) ?? 0;
  const running = task?.state === 'IN_PROGRESS';
  const now = useNow(1_000, running) - offset;
  if (!task) return null;
  const fraction = progressFraction(task);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={0}
      className={selected ? 'regions__row regions__row--selected' : 'regions__row'}
      style={{ transform: `translateY(${top}px)` }}
      data-testid={`region-row-${taskId}`}
      data-task-id={taskId}
      data-state={task.state}
      onClick={() => selectTask(taskId)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          selectTask(taskId);
        }
      }}
    >
      <div role="cell" className="regions__name" title={task.id}>
        {task.name}
        {task.name !== task.id && <small> {task.id}</small>}
      </div>
      <div role="cell">
        <StateBadge state={task.state} />
      </div>
      <div role="cell" className="regions__progress">
        <ProgressBar fraction={fraction} state={task.state} label={`${task.name} progress`} />
        <small>{task.progress?.total ? `${formatCount(task.progress.done)}/${formatCount(task.progress.total)}` : formatPercent(fraction)}</small>
      </div>
      <div role="cell" data-testid={`region-attempts-${taskId}`}>
        {task.attempts.length}
      </div>
      <div role="cell">{formatDuration(lastAttemptDuration(task, now))}</div>
      <div role="cell" className="regions__error" title={task.lastError?.message}>
        {task.lastError?.message ?? ''}
      </div>
    </div>
  );
});
