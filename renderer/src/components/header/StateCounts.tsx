import { TASK_STATES, type TaskState } from '../../../../shared/states.ts';
import { formatCount, stateLabel } from '../common/format.ts';

/** How many tasks are in each state (states with none are left out). Doubles as the colour legend. */
export function StateCounts({ counts }: { counts: Record<TaskState, number> }) {
  return (
    <ul className="state-counts" data-testid="run-counts" aria-label="Tasks by state">
      {TASK_STATES.filter((s) => counts[s] > 0).map((s) => (
        <li key={s} data-state={s} data-testid={`state-count-${s}`} data-count={counts[s]}>
          <span className="state-dot" data-state={s} />
          {stateLabel(s)} <b>{formatCount(counts[s])}</b>
        </li>
      ))}
    </ul>
  );
}
