import type { ControlPreview } from './contract.ts';
import { downstreamOf } from './dag.ts';
import type { RunSnapshot } from './snapshot.ts';
import { RETRYABLE_TASK_STATES } from './states.ts';

export type ControlAction = ControlPreview['action'];

/**
 * What a manual control would change, without changing anything: the task itself and the tasks
 * downstream of it that the control touches (never its siblings), or why it is not allowed now.
 */
export function previewControl(
  snapshot: RunSnapshot,
  dependents: ReadonlyMap<string, readonly string[]>,
  action: ControlAction,
  taskId: string,
): ControlPreview {
  const task = snapshot.tasks[taskId];
  const deny = (reason: string): ControlPreview => ({ action, taskId, allowed: false, reason, affected: [] });
  if (!task) return deny(`no task "${taskId}" in run ${snapshot.runId}`);
  const below = downstreamOf(taskId, dependents);
  switch (action) {
    case 'retry':
      if (!RETRYABLE_TASK_STATES.has(task.state)) return deny(`task "${taskId}" is ${task.state}; only FAILED, SKIPPED, UPSTREAM_FAILED or CANCELLED tasks can be retried`);
      // Everything downstream runs again, including tasks that completed on partial input.
      return { action, taskId, allowed: true, affected: [taskId, ...below] };
    case 'skip':
      if (task.state === 'COMPLETE' || task.state === 'SKIPPED') return deny(`task "${taskId}" is ${task.state}; it cannot be skipped`);
      // Downstream tasks that have not completed will run with partial input.
      return { action, taskId, allowed: true, affected: [taskId, ...below.filter((id) => snapshot.tasks[id].state !== 'COMPLETE')] };
    case 'cancel':
      if (!['BLOCKED', 'QUEUED', 'IN_PROGRESS', 'RETRYING'].includes(task.state)) return deny(`task "${taskId}" is ${task.state}; only waiting or running tasks can be cancelled`);
      return { action, taskId, allowed: true, affected: [taskId, ...below.filter((id) => snapshot.tasks[id].state === 'BLOCKED' || snapshot.tasks[id].state === 'QUEUED')] };
  }
}
