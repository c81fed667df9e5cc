import type { JobEntry, JobPreview, JobProblem } from '../../../shared/contract.ts';
import type { OnFailurePolicy } from '../../../shared/states.ts';
import { errorMessage } from '../api/errors.ts';
import type { SliceCreator } from './types.ts';

export type Validation =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'valid'; preview: JobPreview }
  | { status: 'invalid'; problems: JobProblem[] }
  | { status: 'error'; message: string };

export interface RunOverrides {
  /** Unset: the job file's value. */
  concurrency?: number;
  onFailure: OnFailurePolicy;
}

export interface JobsSlice {
  jobs: JobEntry[];
  jobsStatus: 'idle' | 'loading' | 'ready' | 'error';
  jobsError?: string;
  selectedJob?: string;
  validation: Validation;
  overrides: RunOverrides;
  starting: boolean;
  loadJobs(): Promise<void>;
  selectJob(path: string): void;
  setOverrides(patch: Partial<RunOverrides>): void;
  startSelectedJob(): Promise<void>;
}

/** The app's failure policy unless the user picks another: failed regions wait for a person. */
export const DEFAULT_ON_FAILURE: OnFailurePolicy = 'wait';

export const createJobsSlice: SliceCreator<JobsSlice> = (set, get, carrier) => {
  let validationGeneration = 0;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  async function validate(): Promise<void> {
    const { selectedJob, overrides } = get();
    if (!selectedJob) return;
    const generation = ++validationGeneration;
    set({ validation: { status: 'checking' } });
    try {
      const result = await carrier.api.validateJob({ path: selectedJob, ...overrides });
      if (generation !== validationGeneration) return;
      set({
        validation: result.ok ? { status: 'valid', preview: result.preview } : { status: 'invalid', problems: result.problems },
      });
    } catch (err) {
      if (generation === validationGeneration) set({ validation: { status: 'error', message: errorMessage(err) } });
    }
  }

  return {
    jobs: [],
    jobsStatus: 'idle',
    validation: { status: 'idle' },
    overrides: { onFailure: DEFAULT_ON_FAILURE },
    starting: false,

    async loadJobs() {
      set({ jobsStatus: 'loading', jobsError: undefined });
      try {
        const { jobs } = await carrier.api.listJobs({});
        const extra = get().jobs.filter((j) => j.source === 'recent' && !jobs.some((k) => k.path === j.path));
        set({ jobs: [...jobs, ...extra], jobsStatus: 'ready' });
      } catch (err) {
        set({ jobsStatus: 'error', jobsError: errorMessage(err) });
      }
    },

    selectJob(path) {
      const jobs = get().jobs;
      if (!jobs.some((j) => j.path === path)) {
        const name = path.split(/[\\/]/).pop() ?? path;
        set({ jobs: [...jobs, { path, name, source: 'recent' }] });
      }
      set({ selectedJob: path });
      void validate();
    },

    setOverrides(patch) {
      set({ overrides: { ...get().overrides, ...patch } });
      clearTimeout(debounce);
      debounce = setTimeout(() => void validate(), 300);
    },

    async startSelectedJob() {
      const { selectedJob, overrides, validation } = get();
      if (!selectedJob || validation.status !== 'valid') return;
      set({ starting: true });
      try {
        const { runId } = await carrier.api.startRun({ path: selectedJob, ...overrides });
        await get().openRun(runId);
        void get().loadHistory();
      } catch (err) {
        get().notify('error', `Could not start the run: ${errorMessage(err)}`);
      } finally {
        set({ starting: false });
      }
    },
  };
};
