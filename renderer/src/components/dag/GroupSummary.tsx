import type { RunSnapshot } from '../../../../shared/snapshot.ts';
import { TASK_STATES, type TaskState } from '../../../../shared/states.ts';
import { useApp } from '../../store/index.ts';
import { perBatch } from '../../store/selectors.ts';
import { formatCount, stateLabel } from '../common/format.ts';

/** "COMPLETE:812,FAILED:3": a string so that the selector's result compares by value. */
const countStates = perBatch((snapshot: RunSnapshot, members: readonly string[]): string => {
  const counts = new Map<TaskState, number>();
  for (const id of members) {
    const state = snapshot.tasks[id]?.state;
    if (state) counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  return TASK_STATES.filter((s) => counts.has(s))
    .map((s) => `${s}:${counts.get(s)}`)
    .join(',');
});

/** How many of a group's regions are in each state; re-renders only when a count changes. */
export function GroupSummary({ members, testId }: { members: readonly string[]; testId?: string }) {
  const counts = useApp((s) => (s.snapshot ? countStates(s.snapshot, members) : ''));
  const parsed = counts ? counts.split(',').map((pair) => pair.split(':') as [TaskState, string]) : [];
  return (
    <div className="group-summary" data-testid={testId} data-counts={counts}>
      {parsed.map(([state, n]) => (
        <span key={state} data-state={state}>
          <span className="state-dot" data-state={state} /> {formatCount(Number(n))} {stateLabel(state)}
        </span>
      ))}
    </div>
  );
}
