// The job loader: job file (YAML/JSON) → validated, expanded JobPlan. See load-job.ts.
export { loadJob, loadJobSync, type LoadJobOptions } from './load-job.ts';
export { formatJobError, jobProblems } from './format-job-error.ts';
export { parseJobText, jobFileFormat, type JobFileFormat, type ParsedJobText } from './parse-job-text.ts';
export { planJob, PROCESSOR_EXTENSIONS, type PlanContext } from './plan-job.ts';
export { gatherJobFacts, gatherJobFactsSync, resolveProcessor, type JobFacts } from './job-facts.ts';
export { sanitiseIdPart } from './foreach.ts';
