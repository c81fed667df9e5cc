/**
 * A thin bar; `fraction` undefined shows an indeterminate bar. The fill is scaled, not resized: a width
 * animation re-runs layout and paint every frame while hundreds of regions report progress (bench/ui).
 */
export function ProgressBar({ fraction, state, label }: { fraction?: number; state?: string; label: string }) {
  const pct = fraction === undefined ? undefined : Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      data-state={state}
    >
      <div className={pct === undefined ? 'progress__fill progress__fill--indeterminate' : 'progress__fill'} style={pct === undefined ? undefined : { transform: `scaleX(${pct / 100})` }} />
    </div>
  );
}
