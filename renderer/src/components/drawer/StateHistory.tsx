import type { TaskSnapshot } from '../../../../shared/snapshot.ts';
import { formatClock } from '../common/format.ts';
import { StateBadge } from '../common/StateBadge.tsx';

/** Every state the task has been in, oldest first. */
export function StateHistory({ task }: { task: TaskSnapshot }) {
  return (
    <section className="drawer__section" aria-labelledby="history-title">
      <h3 id="history-title">State history</h3>
      <ol className="state-history" data-testid="state-history">
        {task.history.map((h, i) => (
          <li key={i} data-state={h.state}>
            <span className="muted">{formatClock(h.at)}</span> <StateBadge state={h.state} />
          </li>
        ))}
      </ol>
    </section>
  );
}
