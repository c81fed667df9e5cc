import { useMemo } from 'react';
import { TASK_STATES, type TaskState } from '../../../../shared/states.ts';
import { useApp } from '../../store/index.ts';
import type { RegionSortKey } from '../../store/ui-slice.ts';
import { formatCount, stateLabel } from '../common/format.ts';
import { useThrottled } from '../common/hooks.ts';
import { regionRows } from './region-query.ts';
import { RegionRow, ROW_HEIGHT } from './RegionRow.tsx';
import { VirtualRows } from './VirtualRows.tsx';

const COLUMNS: { key: RegionSortKey; label: string }[] = [
  { key: 'name', label: 'Task' },
  { key: 'state', label: 'State' },
  { key: 'progress', label: 'Progress' },
  { key: 'attempts', label: 'Attempts' },
  { key: 'duration', label: 'Duration' },
  { key: 'error', label: 'Last error' },
];

/**
 * Every task of the run as a row: filter by state, search, sort. The row order is recomputed at most
 * four times a second; each row follows its own task live.
 */
export function RegionsTable() {
  const live = useApp((s) => s.snapshot);
  const query = useApp((s) => s.regionsQuery);
  const setQuery = useApp((s) => s.setRegionsQuery);
  const snapshot = useThrottled(live, 250);
  const ids = useMemo(() => (snapshot ? regionRows(snapshot, query, Date.now()) : []), [snapshot, query]);
  if (!live || !snapshot || snapshot.runId !== live.runId) return null;

  function sortBy(key: RegionSortKey): void {
    setQuery(query.sort === key ? { descending: !query.descending } : { sort: key, descending: false });
  }

  return (
    <div className="regions" data-testid="regions-table">
      <div className="regions__toolbar">
        <label>
          State
          <select
            data-testid="region-filter-state"
            value={query.state}
            onChange={(e) => setQuery({ state: e.target.value as TaskState | 'ALL' })}
          >
            <option value="ALL">all ({formatCount(live.order.length)})</option>
            {TASK_STATES.map((s) => (
              <option key={s} value={s}>
                {stateLabel(s)} ({formatCount(live.counts[s])})
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          data-testid="region-search"
          aria-label="Search tasks"
          placeholder="Search id, name or error…"
          value={query.search}
          onChange={(e) => setQuery({ search: e.target.value })}
        />
        <span className="regions__count" data-testid="regions-count">
          {formatCount(ids.length)} row{ids.length === 1 ? '' : 's'}
        </span>
      </div>
      <div className="regions__table" role="table" aria-label="Regions" aria-rowcount={ids.length + 1}>
        <div className="regions__row regions__row--head" role="row">
          {COLUMNS.map((c) => (
            <div
              key={c.key}
              role="columnheader"
              aria-sort={query.sort === c.key ? (query.descending ? 'descending' : 'ascending') : 'none'}
            >
              <button type="button" data-testid={`region-sort-${c.key}`} onClick={() => sortBy(c.key)}>
                {c.label}
                {query.sort === c.key ? (query.descending ? ' ▼' : ' ▲') : ''}
              </button>
            </div>
          ))}
        </div>
        <VirtualRows
          count={ids.length}
          rowHeight={ROW_HEIGHT}
          testId="region-rows"
          renderRow={(i, top) => <RegionRow key={ids[i]} taskId={ids[i]} top={top} index={i} />}
        />
      </div>
    </div>
  );
}
