import { useEffect } from 'react';
import { useApp } from '../../store/index.ts';
import { formatCount, formatDateTime } from '../common/format.ts';
import { StateBadge } from '../common/StateBadge.tsx';

/** Past and current runs, newest first; opening one shows its DAG, table, timeline, logs and results. */
export function HistoryList() {
  const runs = useApp((s) => s.runs);
  const status = useApp((s) => s.historyStatus);
  const error = useApp((s) => s.historyError);
  const openRunId = useApp((s) => s.runId);
  const loadHistory = useApp((s) => s.loadHistory);
  const openRun = useApp((s) => s.openRun);
  useEffect(() => void loadHistory(), [loadHistory]);
  // While a listed run is going, its counts in the list go stale: refresh now and then.
  const anyRunning = runs.some((r) => r.state === 'RUNNING');
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(() => void loadHistory(), 5_000);
    return () => clearInterval(timer);
  }, [anyRunning, loadHistory]);
  return (
    <section className="history panel" aria-labelledby="history-title" data-testid="history">
      <div className="panel__head">
        <h2 id="history-title">History</h2>
        <button type="button" data-testid="history-refresh" onClick={() => void loadHistory()} disabled={status === 'loading'}>
          Refresh
        </button>
      </div>
      {status === 'error' && (
        <p className="error-text" role="alert">
          Could not list runs: {error}
        </p>
      )}
      {status === 'ready' && runs.length === 0 && <p className="muted">No runs yet.</p>}
      <ul className="history__list" data-testid="history-list">
        {runs.map((r) => (
          <li key={r.runId}>
            <button
              type="button"
              className={r.runId === openRunId ? 'history__run history__run--open' : 'history__run'}
              data-testid={`history-run-${r.runId}`}
              data-run-id={r.runId}
              data-state={r.state}
              aria-current={r.runId === openRunId ? 'true' : undefined}
              onClick={() => void openRun(r.runId)}
            >
              <span className="history__name">{r.jobName}</span>
              <StateBadge state={r.state} />
              <small>
                {formatDateTime(r.createdAt)} · {formatCount(r.counts.COMPLETE)}/{formatCount(r.taskCount)} complete
                {r.counts.FAILED > 0 && ` · ${formatCount(r.counts.FAILED)} failed`}
              </small>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
