import type { RunState, TaskState } from '../../../../shared/states.ts';
import { useApp } from '../../store/index.ts';
import { formatCount } from '../common/format.ts';
import { StateBadge } from '../common/StateBadge.tsx';

/** The result is partial: says so plainly and lists every region that is not in it. */
export function MissingBanner({ runState, missing }: { runState: RunState; missing: [string, TaskState][] }) {
  const selectTask = useApp((s) => s.selectTask);
  return (
    <div className="partial-banner" role="alert" data-testid="partial-banner" data-state="PARTIAL" data-missing={missing.length}>
      <strong>{runState === 'PARTIAL' ? 'PARTIAL result' : 'Incomplete'}</strong>: {formatCount(missing.length)} region
      {missing.length === 1 ? ' is' : 's are'} missing from it.
      <ul className="partial-banner__list">
        {missing.map(([id, state]) => (
          <li key={id} data-testid="missing-region" data-task-id={id} data-state={state}>
            <button type="button" className="link" onClick={() => selectTask(id)}>
              {id}
            </button>{' '}
            <StateBadge state={state} />
          </li>
        ))}
      </ul>
    </div>
  );
}
