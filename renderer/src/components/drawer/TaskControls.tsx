import type { TaskSnapshot } from '../../../../shared/snapshot.ts';
import { TASK_TRANSITIONS } from '../../../../shared/apply-event.ts';
import { RETRYABLE_TASK_STATES } from '../../../../shared/states.ts';
import { useApp } from '../../store/index.ts';

/** Retry / Skip / Cancel for one task; each first shows what it will change and asks to confirm. */
export function TaskControls({ task }: { task: TaskSnapshot }) {
  const requestControl = useApp((s) => s.requestControl);
  const canRetry = RETRYABLE_TASK_STATES.has(task.state);
  const canSkip = TASK_TRANSITIONS[task.state].includes('SKIPPED');
  const canCancel = TASK_TRANSITIONS[task.state].includes('CANCELLED');
  return (
    <div className="drawer__controls" role="group" aria-label="Task controls">
      <button type="button" className="primary" data-testid="task-retry" disabled={!canRetry} onClick={() => void requestControl('retry', task.id)}>
        Retry
      </button>
      <button type="button" data-testid="task-skip" disabled={!canSkip} onClick={() => void requestControl('skip', task.id)}>
        Skip
      </button>
      <button type="button" className="danger" data-testid="task-cancel" disabled={!canCancel} onClick={() => void requestControl('cancel', task.id)}>
        Cancel
      </button>
    </div>
  );
}
