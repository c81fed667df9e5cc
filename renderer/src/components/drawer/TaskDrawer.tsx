import { useEffect } from 'react';
import { useApp } from '../../store/index.ts';
import { useTask } from '../../store/selectors.ts';
import { formatClock, formatCount, stateLabel } from '../common/format.ts';
import { ProgressBar } from '../common/ProgressBar.tsx';
import { StateBadge } from '../common/StateBadge.tsx';
import { AttemptList } from './AttemptList.tsx';
import { LogView } from './LogView.tsx';
import { StateHistory } from './StateHistory.tsx';
import { TaskControls } from './TaskControls.tsx';
import { TaskOutput } from './TaskOutput.tsx';

/** Everything about one task: controls, attempts with errors, live logs, output, state history. */
export function TaskDrawer() {
  const taskId = useApp((s) => s.selectedTaskId);
  const selectTask = useApp((s) => s.selectTask);
  useEffect(() => {
    if (!taskId) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.querySelector('[role="dialog"]')) selectTask(undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [taskId, selectTask]);
  if (!taskId) return null;
  return <DrawerBody key={taskId} taskId={taskId} onClose={() => selectTask(undefined)} />;
}

function DrawerBody({ taskId, onClose }: { taskId: string; onClose: () => void }) {
  const task = useTask(taskId);
  if (!task) return null;
  const fraction = task.progress?.total ? task.progress.done / task.progress.total : undefined;
  return (
    <aside className="drawer" data-testid="task-drawer" data-task-id={taskId} data-state={task.state} aria-label={`Task ${task.name}`}>
      <header className="drawer__head">
        <div>
          <h2>{task.name}</h2>
          {task.name !== task.id && <code>{task.id}</code>}
        </div>
        <StateBadge state={task.state} testId="drawer-state" />
        <button type="button" className="drawer__close" data-testid="drawer-close" aria-label="Close task details" onClick={onClose}>
          ×
        </button>
      </header>
      <TaskControls task={task} />
      <section className="drawer__section">
        <dl className="drawer__facts">
          {task.group && (
            <>
              <dt>group</dt>
              <dd>{task.group}</dd>
            </>
          )}
          <dt>inputs</dt>
          <dd>{task.blockedBy.length === 0 ? 'none' : task.blockedBy.length <= 5 ? task.blockedBy.join(', ') : `${task.blockedBy.length} tasks`}</dd>
          {task.state === 'RETRYING' && task.retryAt && (
            <>
              <dt>next attempt</dt>
              <dd>{formatClock(task.retryAt)}</dd>
            </>
          )}
          {task.skippedBy && (
            <>
              <dt>skipped by</dt>
              <dd>{task.skippedBy}</dd>
            </>
          )}
          {task.upstreamFailed && (
            <>
              <dt>upstream</dt>
              <dd>{task.upstreamFailed} {stateLabel('FAILED')}</dd>
            </>
          )}
        </dl>
        {task.progress && (
          <div className="drawer__progress">
            <ProgressBar fraction={fraction} state={task.state} label="Task progress" />
            <small>
              {formatCount(task.progress.done)}
              {task.progress.total !== undefined && ` / ${formatCount(task.progress.total)}`} {task.progress.message}
            </small>
          </div>
        )}
      </section>
      <AttemptList task={task} />
      <LogView taskId={taskId} />
      <TaskOutput task={task} />
      <StateHistory task={task} />
    </aside>
  );
}
