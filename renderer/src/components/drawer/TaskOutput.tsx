import { useEffect, useState } from 'react';
import type { TaskSnapshot } from '../../../../shared/snapshot.ts';
import { errorMessage } from '../../api/errors.ts';
import { useApp } from '../../store/index.ts';
import { JsonBlock } from '../common/JsonBlock.tsx';

type OutputState = { status: 'loading' } | { status: 'done'; output: unknown; present: boolean } | { status: 'error'; message: string };

/** The task's output, fetched once the task has completed (again after each new completion). */
export function TaskOutput({ task }: { task: TaskSnapshot }) {
  const runId = useApp((s) => s.runId);
  const getTaskOutput = useApp((s) => s.fetchTaskOutput);
  const complete = task.state === 'COMPLETE';
  // A retried task completes again with a new attempt: fetch again then.
  const version = complete ? task.attempts.length : -1;
  const [state, setState] = useState<OutputState>({ status: 'loading' });

  useEffect(() => {
    if (!runId || version < 0) return;
    let current = true;
    setState({ status: 'loading' });
    getTaskOutput(runId, task.id)
      .then((r) => current && setState({ status: 'done', output: r.output, present: 'output' in r && r.output !== undefined }))
      .catch((err: unknown) => current && setState({ status: 'error', message: errorMessage(err) }));
    return () => {
      current = false;
    };
  }, [runId, task.id, version, getTaskOutput]);

  return (
    <section className="drawer__section" aria-labelledby="output-title">
      <h3 id="output-title">Output</h3>
      {!complete ? (
        <p className="muted">Available once the task has completed.</p>
      ) : state.status === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : state.status === 'error' ? (
        <p className="error-text" role="alert">
          {state.message}
        </p>
      ) : !state.present ? (
        <p className="muted">This task has no output.</p>
      ) : (
        <JsonBlock value={state.output} testId="task-output" />
      )}
    </section>
  );
}
