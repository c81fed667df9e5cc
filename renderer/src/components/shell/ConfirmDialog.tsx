import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/errors.ts';
import { useApp } from '../../store/index.ts';
import { StateBadge } from '../common/StateBadge.tsx';

const SHOWN_AFFECTED = 200;

/** Shows what an action will change and performs it only when the user confirms. */
export function ConfirmDialog() {
  const request = useApp((s) => s.confirm);
  const close = useApp((s) => s.closeConfirm);
  const notify = useApp((s) => s.notify);
  const tasks = useApp((s) => s.snapshot?.tasks);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirmButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    setBusy(false);
    setError(undefined);
    if (!request) return;
    (request.blockedReason ? cancelButton : confirmButton).current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [request, close]);

  if (!request) return null;

  async function confirm(): Promise<void> {
    if (!request) return;
    setBusy(true);
    setError(undefined);
    try {
      const message = await request.run();
      close();
      if (message) notify('info', message);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  const affected = request.affected ?? [];
  return (
    <div className="dialog-backdrop" onClick={close}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        data-testid="confirm-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="confirm-title">{request.title}</h2>
        <p>{request.message}</p>
        {affected.length > 0 && (
          <>
            <p data-testid="affected-count" data-count={affected.length}>
              This changes {affected.length} task{affected.length === 1 ? '' : 's'}:
            </p>
            <ul className="dialog__affected" data-testid="affected-tasks">
              {affected.slice(0, SHOWN_AFFECTED).map((id) => (
                <li key={id} data-testid="affected-task" data-task-id={id}>
                  <code>{id}</code> {tasks?.[id] && <StateBadge state={tasks[id].state} />}
                </li>
              ))}
              {affected.length > SHOWN_AFFECTED && <li className="muted">…and {affected.length - SHOWN_AFFECTED} more</li>}
            </ul>
          </>
        )}
        {request.blockedReason && (
          <p className="error-text" data-testid="confirm-blocked">
            Not possible now: {request.blockedReason}
          </p>
        )}
        {error && (
          <p className="error-text" role="alert" data-testid="confirm-error">
            {error}
          </p>
        )}
        <div className="dialog__buttons">
          <button type="button" ref={cancelButton} data-testid="confirm-cancel" onClick={close}>
            {request.blockedReason ? 'Close' : 'Keep as is'}
          </button>
          {!request.blockedReason && (
            <button
              type="button"
              ref={confirmButton}
              className={request.danger ? 'danger' : 'primary'}
              data-testid="confirm-ok"
              disabled={busy}
              onClick={() => void confirm()}
            >
              {busy ? 'Working…' : request.confirmLabel}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
