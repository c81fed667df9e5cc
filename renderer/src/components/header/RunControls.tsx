import { useApp } from '../../store/index.ts';

/** Run-wide actions: retry every failed task, cancel the run, resume an interrupted one. */
export function RunControls() {
  const state = useApp((s) => s.snapshot?.state);
  const failed = useApp((s) => s.snapshot?.counts.FAILED ?? 0);
  const requestRetryAllFailed = useApp((s) => s.requestRetryAllFailed);
  const requestCancelRun = useApp((s) => s.requestCancelRun);
  const resumeRun = useApp((s) => s.resumeRun);
  if (!state) return null;
  const cancellable = state === 'RUNNING' || state === 'NEEDS_ATTENTION';
  return (
    <div className="run-controls">
      {failed > 0 && (
        <button type="button" data-testid="retry-all-failed" onClick={requestRetryAllFailed}>
          Retry all failed ({failed})
        </button>
      )}
      {state === 'INTERRUPTED' && (
        <button type="button" className="primary" data-testid="resume-run" onClick={() => void resumeRun()}>
          Resume
        </button>
      )}
      {cancellable && (
        <button type="button" className="danger" data-testid="cancel-run" onClick={requestCancelRun}>
          Cancel run
        </button>
      )}
    </div>
  );
}
