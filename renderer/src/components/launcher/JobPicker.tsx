import { useState, type FormEvent } from 'react';
import type { JobEntry } from '../../../../shared/contract.ts';
import { errorMessage } from '../../api/errors.ts';
import { useApp } from '../../store/index.ts';

const SOURCES: { source: JobEntry['source']; label: string }[] = [
  { source: 'example', label: 'Examples' },
  { source: 'workspace', label: 'Workspace' },
  { source: 'recent', label: 'Opened' },
];

/** The job list (examples and workspace jobs), plus "Open…" in the desktop app and a path field. */
export function JobPicker() {
  const jobs = useApp((s) => s.jobs);
  const status = useApp((s) => s.jobsStatus);
  const error = useApp((s) => s.jobsError);
  const selected = useApp((s) => s.selectedJob);
  const selectJob = useApp((s) => s.selectJob);
  const pickJobFile = useApp((s) => s.pickJobFile);
  const notify = useApp((s) => s.notify);
  const [path, setPath] = useState('');

  async function open(): Promise<void> {
    try {
      const chosen = await pickJobFile?.();
      if (chosen) selectJob(chosen);
    } catch (err) {
      notify('error', `Open: ${errorMessage(err)}`);
    }
  }

  function choosePath(e: FormEvent): void {
    e.preventDefault();
    if (path.trim()) selectJob(path.trim());
  }

  return (
    <div className="job-picker">
      <label htmlFor="job-picker">Job</label>
      <div className="job-picker__row">
        <select
          id="job-picker"
          data-testid="job-picker"
          value={selected ?? ''}
          onChange={(e) => e.target.value && selectJob(e.target.value)}
          disabled={status === 'loading' && jobs.length === 0}
        >
          <option value="" disabled>
            {status === 'loading' ? 'Loading jobs…' : jobs.length === 0 ? 'No jobs found' : 'Choose a job…'}
          </option>
          {SOURCES.map(({ source, label }) => {
            const group = jobs.filter((j) => j.source === source);
            return group.length === 0 ? null : (
              <optgroup key={source} label={label}>
                {group.map((j) => (
                  <option key={j.path} value={j.path} title={j.path}>
                    {j.name}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </select>
        {/* Desktop hook: the preload exposes window.dproc.pickJobFile (native dialog). */}
        {pickJobFile && (
          <button type="button" data-testid="open-job-file" onClick={() => void open()}>
            Open…
          </button>
        )}
      </div>
      {status === 'error' && (
        <p className="error-text" role="alert" data-testid="jobs-error">
          Could not list jobs: {error}
        </p>
      )}
      <details className="job-picker__path">
        <summary>Another job file…</summary>
        <form onSubmit={choosePath}>
          <input
            type="text"
            data-testid="job-path"
            aria-label="Job file path"
            placeholder="path/to/job.yaml"
            value={path}
            onChange={(e) => setPath(e.target.value)}
          />
          <button type="submit" data-testid="job-path-use">
            Use
          </button>
        </form>
      </details>
    </div>
  );
}
