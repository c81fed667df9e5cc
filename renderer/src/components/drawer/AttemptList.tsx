import type { TaskSnapshot } from '../../../../shared/snapshot.ts';
import { formatClock, formatDuration } from '../common/format.ts';
import { StateBadge } from '../common/StateBadge.tsx';

/** Every attempt, newest first, with its worker slot, timing and error (stack trace folded). */
export function AttemptList({ task }: { task: TaskSnapshot }) {
  return (
    <section className="drawer__section" aria-labelledby="attempts-title">
      <h3 id="attempts-title">Attempts ({task.attempts.length})</h3>
      {task.attempts.length === 0 ? (
        <p className="muted">No attempt yet.</p>
      ) : (
        <ol className="attempts" reversed data-testid="attempt-list">
          {[...task.attempts].reverse().map((a) => (
            <li key={a.attemptId} data-testid={`attempt-${a.attempt}`} data-state={a.state}>
              <div className="attempts__head">
                <b>#{a.attempt}</b>
                <StateBadge state={a.state} />
                <span>slot {a.slot}</span>
                <span>{formatClock(a.startedAt)}</span>
                <span>{a.finishedAt ? formatDuration(a.finishedAt - a.startedAt) : 'running'}</span>
              </div>
              {a.error && (
                <div className="attempts__error" data-testid="attempt-error">
                  {a.error.code && <code>{a.error.code}</code>} {a.error.processorCode && <code data-testid="processor-code">{a.error.processorCode}</code>} {a.error.message}
                  {a.error.stack && (
                    <details>
                      <summary>Stack trace</summary>
                      <pre data-testid="attempt-stack">{a.error.stack}</pre>
                    </details>
                  )}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
