import { Handle, Position, useStore as useFlowStore, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { RunSnapshot, TaskSnapshot } from '../../../../shared/snapshot.ts';
import { useApp } from '../../store/index.ts';
import { perBatch, plannedTask, useTask } from '../../store/selectors.ts';
import { formatClock, formatCount, stateLabel } from '../common/format.ts';
import { ProgressBar } from '../common/ProgressBar.tsx';
import type { TaskFlowNode } from './flow-types.ts';

/** Below this zoom a node is a coloured box with its name: 1,000 full nodes in one view cost too much. */
const DETAIL_ZOOM = 0.45;

/** One task: name, state colour, progress bar, attempt count; a blocked task says what it waits for. */
export const TaskNode = memo(function TaskNode({ data }: NodeProps<TaskFlowNode>) {
  const detailed = useFlowStore((s) => s.transform[2] >= DETAIL_ZOOM);
  return detailed ? <DetailedTaskNode taskId={data.taskId} /> : <CompactTaskNode taskId={data.taskId} />;
});

const CompactTaskNode = memo(function CompactTaskNode({ taskId }: { taskId: string }) {
  // One subscription per node: "STATE" or "STATE*" when selected.
  const view = useApp((s) => {
    const state = s.snapshot?.tasks[taskId]?.state;
    return state ? (s.selectedTaskId === taskId ? `${state}*` : state) : '';
  });
  if (!view) return null;
  const selected = view.endsWith('*');
  const state = selected ? view.slice(0, -1) : view;
  return (
    <div
      className={selected ? 'dag-node dag-node--compact dag-node--selected' : 'dag-node dag-node--compact'}
      data-testid={`dag-node-${taskId}`}
      data-task-id={taskId}
      data-state={state}
      aria-label={`${taskId}: ${stateLabel(state)}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="dag-node__name">{taskId}</span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const DetailedTaskNode = memo(function DetailedTaskNode({ taskId }: { taskId: string }) {
  const task = useTask(taskId);
  const maxAttempts = useApp((s) => {
    const plan = s.snapshot?.plan;
    const planned = plan && plannedTask(plan, taskId);
    return planned ? planned.retries + 1 : undefined;
  });
  const waiting = useApp((s) => (s.snapshot ? waitingSummary(s.snapshot, taskId) : ''));
  const selected = useApp((s) => s.selectedTaskId === taskId);
  if (!task) return null;
  const fraction = task.progress?.total ? task.progress.done / task.progress.total : undefined;
  const inputs = waiting ? parseWaiting(waiting) : undefined;
  const classes = ['dag-node'];
  if (selected) classes.push('dag-node--selected');
  if (inputs) classes.push('dag-node--waiting');
  return (
    <div
      className={classes.join(' ')}
      data-testid={`dag-node-${task.id}`}
      data-task-id={task.id}
      data-state={task.state}
      aria-label={`${task.name}: ${stateLabel(task.state)}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="dag-node__head">
        <span className="dag-node__name" title={task.id}>
          {task.name}
        </span>
        <span className="dag-node__state">{stateLabel(task.state)}</span>
      </div>
      {inputs ? (
        <ProgressBar fraction={(inputs.total - inputs.open) / inputs.total} state="COMPLETE" label={`${task.name} inputs ready`} />
      ) : (
        (task.state === 'IN_PROGRESS' || task.progress) && <ProgressBar fraction={fraction} state={task.state} label={`${task.name} progress`} />
      )}
      <div className="dag-node__foot">
        <NodeFootnote task={task} inputs={inputs} maxAttempts={maxAttempts} />
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

interface Inputs {
  open: number;
  total: number;
  failed: number;
}

function parseWaiting(waiting: string): Inputs {
  const [open, total, failed] = waiting.split('|').map(Number);
  return { open, total, failed };
}

function NodeFootnote({ task, inputs, maxAttempts }: { task: TaskSnapshot; inputs?: Inputs; maxAttempts?: number }) {
  if (inputs) {
    const { open, total, failed } = inputs;
    return (
      <span className="dag-node__waiting" data-testid={`waiting-${task.id}`} data-open={open}>
        waiting for {formatCount(open)} of {formatCount(total)} input{total === 1 ? '' : 's'}
        {failed > 0 && <b> · {formatCount(failed)} need attention</b>}
      </span>
    );
  }
  const parts: string[] = [];
  if (task.attempts.length > 0) parts.push(`attempt ${task.attempts.length}${maxAttempts ? ` of ${maxAttempts}` : ''}`);
  if (task.state === 'RETRYING' && task.retryAt) parts.push(`retry at ${formatClock(task.retryAt)}`);
  if (task.state === 'SKIPPED' && task.skippedBy) parts.push(`skipped by ${task.skippedBy}`);
  if (task.state === 'UPSTREAM_FAILED' && task.upstreamFailed) parts.push(`${task.upstreamFailed} failed`);
  if (task.progress?.message && task.state === 'IN_PROGRESS') parts.push(task.progress.message);
  return <span data-testid={`attempts-${task.id}`}>{parts.join(' · ')}</span>;
}

/**
 * For a blocked task with inputs: "open|total|failed" (a string, so the selector's result compares by
 * value); empty otherwise. Inputs that completed or were skipped no longer hold it up.
 */
const waitingSummary = perBatch((snapshot: RunSnapshot, taskId: string): string => {
  const task = snapshot.tasks[taskId];
  if (!task || task.state !== 'BLOCKED' || task.blockedBy.length === 0) return '';
  let open = 0;
  let failed = 0;
  for (const dep of task.blockedBy) {
    const state = snapshot.tasks[dep]?.state;
    if (state !== 'COMPLETE' && state !== 'SKIPPED') open += 1;
    if (state === 'FAILED' || state === 'UPSTREAM_FAILED' || state === 'CANCELLED') failed += 1;
  }
  return `${open}|${task.blockedBy.length}|${failed}`;
});
