import { useApp } from '../../store/index.ts';

const TEXT = {
  connecting: 'connecting…',
  open: 'connected',
  reconnecting: 'reconnecting…',
  unauthorized: 'not authorised: open the URL printed by `dproc serve` (with its ?token=)',
} as const;

/** Connection to `dproc serve` (hidden in the desktop app, where there is nothing to lose). */
export function ConnectionBadge() {
  const connection = useApp((s) => s.connection);
  const kind = useApp((s) => s.carrierKind);
  if (kind === 'electron') return null;
  return (
    <span className="connection" data-testid="connection" data-connection={connection} role="status">
      <span className="connection__dot" /> {TEXT[connection]}
    </span>
  );
}
