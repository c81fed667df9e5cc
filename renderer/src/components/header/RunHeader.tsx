import { useApp } from '../../store/index.ts';
import { runProgress } from '../../store/selectors.ts';
import { formatCount, formatPercent } from '../common/format.ts';
import { ProgressBar } from '../common/ProgressBar.tsx';
import { StateBadge } from '../common/StateBadge.tsx';
import { RunClock } from './RunClock.tsx';
import { RunControls } from './RunControls.tsx';
import { StateCounts } from './StateCounts.tsx';

/** The open run at a glance: name, state, overall progress, clock, counts and run-wide controls. */
export function RunHeader() {
  // Not throttled: tests (and people) read the counts right after a state change, and runProgress is
  // computed once per batch anyway.
  const snapshot = useApp((s) => s.snapshot);
  const runStatus = useApp((s) => s.runStatus);
  if (!snapshot) {
    return runStatus === 'loading' ? <div className="run-header run-header--empty">Loading run…</div> : null;
  }
  const progress = runProgress(snapshot);
  return (
    <section className="run-header" data-testid="run-header" data-run-id={snapshot.runId} aria-label="Run">
      <div className="run-header__title">
        <h1 title={snapshot.jobFile}>{snapshot.jobName}</h1>
        <span className="run-header__id" data-testid="run-id">{snapshot.runId}</span>
        <StateBadge state={snapshot.state} testId="run-state" />
        {runStatus === 'resyncing' && <span className="run-header__sync">resyncing…</span>}
      </div>
      <div className="run-header__progress">
        <ProgressBar fraction={progress.fraction} state={snapshot.state} label="Run progress" />
        <span data-testid="run-progress" data-settled={progress.settled} data-total={progress.total}>
          {formatPercent(progress.fraction)} · {formatCount(progress.settled)}/{formatCount(progress.total)} settled
        </span>
      </div>
      <RunClock snapshot={snapshot} />
      <StateCounts counts={snapshot.counts} />
      <RunControls />
    </section>
  );
}
