import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../store/index.ts';
import { formatClock } from '../common/format.ts';

/** The task's log: fetched when the drawer opens, then followed live; sticks to the bottom unless scrolled up. */
export function LogView({ taskId }: { taskId: string }) {
  const logs = useApp((s) => (s.logs?.taskId === taskId ? s.logs : undefined));
  const [attempt, setAttempt] = useState<number | 'all'>('all');
  const box = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  useEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [logs?.lines, attempt]);

  const lines = logs?.lines ?? [];
  const attempts = [...new Set(lines.map((l) => l.attempt))];
  const shown = attempt === 'all' ? lines : lines.filter((l) => l.attempt === attempt);

  return (
    <section className="drawer__section" aria-labelledby="logs-title">
      <div className="drawer__section-head">
        <h3 id="logs-title">Logs</h3>
        {attempts.length > 1 && (
          <select aria-label="Attempt" data-testid="log-attempt" value={attempt} onChange={(e) => setAttempt(e.target.value === 'all' ? 'all' : Number(e.target.value))}>
            <option value="all">all attempts</option>
            {attempts.map((a) => (
              <option key={a} value={a}>
                attempt {a}
              </option>
            ))}
          </select>
        )}
      </div>
      {logs?.status === 'error' && (
        <p className="error-text" role="alert">
          Could not load logs: {logs.error}
        </p>
      )}
      <pre
        ref={box}
        className="logs"
        data-testid="task-logs"
        data-lines={shown.length}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
        }}
      >
        {logs?.status === 'loading' && shown.length === 0 ? 'Loading…' : shown.length === 0 ? 'No log lines.' : null}
        {shown.map((l) => (
          <div key={l.seq} className="logs__line" data-stream={l.stream}>
            <span className="logs__meta">
              {formatClock(l.at)} #{l.attempt}
              {l.stream !== 'log' ? ` ${l.stream}` : ''}
            </span>{' '}
            {l.text}
          </div>
        ))}
      </pre>
    </section>
  );
}
