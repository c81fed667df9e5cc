import { useEffect, useMemo, useState } from 'react';
import type { RunSnapshot } from '../../../../shared/snapshot.ts';
import type { TaskState } from '../../../../shared/states.ts';
import { errorMessage } from '../../api/errors.ts';
import { appState, useApp } from '../../store/index.ts';
import { sinkIds } from '../../store/selectors.ts';
import { JsonBlock } from '../common/JsonBlock.tsx';
import { StateBadge } from '../common/StateBadge.tsx';
import { downloadJson } from './download.ts';
import { MissingBanner } from './MissingBanner.tsx';

type SinkOutput = { status: 'loading' } | { status: 'done'; output: unknown } | { status: 'error'; message: string };

const MISSING_STATES: ReadonlySet<TaskState> = new Set(['SKIPPED', 'FAILED', 'CANCELLED', 'UPSTREAM_FAILED']);

/** The run's result: the output of the task(s) nobody depends on, what is missing from it, and an export. */
export function Results() {
  const runId = useApp((s) => s.snapshot?.runId);
  const plan = useApp((s) => s.snapshot?.plan);
  const runState = useApp((s) => s.snapshot?.state);
  const fetchTaskOutput = useApp((s) => s.fetchTaskOutput);
  const sinks = useMemo(() => (plan ? sinkIds(plan) : []), [plan]);
  // "id:state:attempts" per sink: outputs are fetched again exactly when a sink completes (again).
  const versions = useApp((s) => sinks.map((id) => `${id}:${s.snapshot?.tasks[id]?.state}:${s.snapshot?.tasks[id]?.attempts.length}`).join(','));
  const missing = useApp((s) => missingKey(s.snapshot));
  const [outputs, setOutputs] = useState<Record<string, SinkOutput>>({});

  useEffect(() => {
    if (!runId) return;
    let current = true;
    const complete = versions
      .split(',')
      .map((v) => v.split(':'))
      .filter(([, state]) => state === 'COMPLETE')
      .map(([id]) => id);
    setOutputs(Object.fromEntries(complete.map((id) => [id, { status: 'loading' } as SinkOutput])));
    for (const id of complete) {
      fetchTaskOutput(runId, id)
        .then((r) => current && setOutputs((o) => ({ ...o, [id]: { status: 'done', output: r.output } })))
        .catch((err: unknown) => current && setOutputs((o) => ({ ...o, [id]: { status: 'error', message: errorMessage(err) } })));
    }
    return () => {
      current = false;
    };
  }, [runId, versions, fetchTaskOutput]);

  if (!runId || !runState) return null;
  const missingList = missing ? missing.split(',').map((pair) => pair.split(':') as [string, TaskState]) : [];
  const ready = sinks.length > 0 && sinks.every((id) => outputs[id]?.status === 'done');

  function exportJson(): void {
    const snapshot = appState().snapshot;
    if (!snapshot) return;
    downloadJson(`${snapshot.jobName}-${snapshot.runId}.json`, {
      runId: snapshot.runId,
      jobName: snapshot.jobName,
      jobFile: snapshot.jobFile,
      state: snapshot.state,
      partial: missingList.length > 0,
      missing: missingList.map(([taskId, state]) => ({ taskId, state })),
      outputs: Object.fromEntries(sinks.map((id) => [id, outputs[id]?.status === 'done' ? (outputs[id] as { output: unknown }).output : null])),
      exportedAt: new Date().toISOString(),
    });
  }

  return (
    <div className="results" data-testid="results" data-run-state={runState}>
      {(runState === 'PARTIAL' || missingList.length > 0) && <MissingBanner runState={runState} missing={missingList} />}
      <div className="results__toolbar">
        <button type="button" data-testid="export-json" disabled={!ready} onClick={exportJson}>
          Export JSON
        </button>
        {!ready && <span className="muted">Export is available once the result is complete.</span>}
      </div>
      {sinks.map((id) => (
        <SinkSection key={id} taskId={id} output={outputs[id]} />
      ))}
    </div>
  );
}

function SinkSection({ taskId, output }: { taskId: string; output?: SinkOutput }) {
  const state = useApp((s) => s.snapshot?.tasks[taskId]?.state);
  return (
    <section className="results__sink" data-testid={`result-${taskId}`} data-state={state}>
      <h3>
        {taskId} {state && <StateBadge state={state} />}
      </h3>
      {state !== 'COMPLETE' ? (
        <p className="muted">No result yet: the task is {state?.toLowerCase().replace(/_/g, ' ')}.</p>
      ) : !output || output.status === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : output.status === 'error' ? (
        <p className="error-text" role="alert">
          {output.message}
        </p>
      ) : output.output === undefined ? (
        <p className="muted">This task has no output.</p>
      ) : (
        <JsonBlock value={output.output} testId={`output-json-${taskId}`} />
      )}
    </section>
  );
}

/** "id:STATE,…" of tasks that settled without completing (a string, so it compares by value). */
function missingKey(snapshot: RunSnapshot | undefined): string {
  if (!snapshot) return '';
  const out: string[] = [];
  for (const id of snapshot.order) {
    const state = snapshot.tasks[id].state;
    if (MISSING_STATES.has(state)) out.push(`${id}:${state}`);
  }
  return out.join(',');
}
