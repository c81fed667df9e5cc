import { ON_FAILURE_POLICIES, type OnFailurePolicy } from '../../../../shared/states.ts';
import { useApp } from '../../store/index.ts';

const POLICY_HELP: Record<OnFailurePolicy, string> = {
  wait: 'A failed region waits for you to retry or skip it.',
  skip: 'Failed regions are skipped; the result is partial.',
  fail: 'The first failed region fails the run.',
};

/** Run options that override the job file: concurrency and the failure policy. */
export function OverridesForm() {
  const overrides = useApp((s) => s.overrides);
  const jobConcurrency = useApp((s) => (s.validation.status === 'valid' ? s.validation.preview.concurrency : undefined));
  const setOverrides = useApp((s) => s.setOverrides);
  return (
    <fieldset className="overrides">
      <legend>Options</legend>
      <label>
        Concurrency
        <input
          type="number"
          min={1}
          max={1024}
          data-testid="override-concurrency"
          placeholder={jobConcurrency === undefined ? 'job default' : `${jobConcurrency} (job)`}
          value={overrides.concurrency ?? ''}
          onChange={(e) => {
            const n = e.target.valueAsNumber;
            setOverrides({ concurrency: Number.isInteger(n) && n >= 1 ? n : undefined });
          }}
        />
      </label>
      <label>
        On failure
        <select
          data-testid="override-on-failure"
          value={overrides.onFailure}
          onChange={(e) => setOverrides({ onFailure: e.target.value as OnFailurePolicy })}
        >
          {ON_FAILURE_POLICIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <small className="overrides__help" data-testid="override-on-failure-help">
          {POLICY_HELP[overrides.onFailure]}
        </small>
      </label>
    </fieldset>
  );
}
