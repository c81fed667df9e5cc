import { useEffect } from 'react';
import { useApp } from '../../store/index.ts';
import { JobPicker } from './JobPicker.tsx';
import { OverridesForm } from './OverridesForm.tsx';
import { ValidationPanel } from './ValidationPanel.tsx';

/** Pick a job, see whether it is valid, adjust the run options, run it. */
export function Launcher() {
  const loadJobs = useApp((s) => s.loadJobs);
  const canRun = useApp((s) => s.validation.status === 'valid' && !s.starting);
  const starting = useApp((s) => s.starting);
  const start = useApp((s) => s.startSelectedJob);
  useEffect(() => void loadJobs(), [loadJobs]);
  return (
    <section className="launcher panel" data-testid="launcher" aria-labelledby="launcher-title">
      <h2 id="launcher-title">Run a job</h2>
      <JobPicker />
      <ValidationPanel />
      <OverridesForm />
      <button type="button" className="primary launcher__run" data-testid="run-button" disabled={!canRun} onClick={() => void start()}>
        {starting ? 'Starting…' : 'Run'}
      </button>
    </section>
  );
}
