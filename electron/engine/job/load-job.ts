import { readFile, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DprocError, DprocErrors, ERROR_CODES } from '../../../shared/errors.ts';
import { jobFileSchema, type JobFile, type JobPlan } from '../../../shared/job-schema.ts';
import type { OnFailurePolicy } from '../../../shared/states.ts';
import { gatherJobFacts, gatherJobFactsSync } from './job-facts.ts';
import { problemError, showValue, throwProblems } from './job-problem.ts';
import { jobFileFormat, parseJobText, type ParsedJobText } from './parse-job-text.ts';
import { planJob } from './plan-job.ts';
import { describeSchema, schemaProblems } from './schema-problems.ts';

/** Values that win over the job file's own (CLI flags, the launcher form). */
export interface LoadJobOptions {
  concurrency?: number;
  onFailure?: OnFailurePolicy;
}

/**
 * Reads, validates and expands a job file (.yaml, .yml or .json) into the plan a run is started from.
 * Throws a DprocError (or a DprocErrors listing several) whose messages start with `file` as given.
 */
export async function loadJob(file: string, opts: LoadJobOptions = {}): Promise<JobPlan> {
  const absFile = resolve(file);
  checkOptions(file, opts);
  const format = formatOf(file);
  let text: string;
  try {
    // The callback API, not node:fs/promises (glob-files.ts says why).
    text = await new Promise<string>((done, fail) => readFile(absFile, 'utf8', (err, t) => (err ? fail(err) : done(t))));
  } catch (err) {
    throw notFound(file, absFile, err);
  }
  const { job, parsed } = validate(text, file, format);
  const facts = await gatherJobFacts(job, absFile);
  return planJob(job, { file, absFile, facts, positions: parsed.positions, overrides: opts });
}

/** The blocking twin of loadJob, for scripts and tests that have no event loop to spare. */
export function loadJobSync(file: string, opts: LoadJobOptions = {}): JobPlan {
  const absFile = resolve(file);
  checkOptions(file, opts);
  const format = formatOf(file);
  let text: string;
  try {
    text = readFileSync(absFile, 'utf8');
  } catch (err) {
    throw notFound(file, absFile, err);
  }
  const { job, parsed } = validate(text, file, format);
  const facts = gatherJobFactsSync(job, absFile);
  return planJob(job, { file, absFile, facts, positions: parsed.positions, overrides: opts });
}

/** Parses and schema-checks job text; every schema problem is reported at once. */
function validate(text: string, file: string, format: 'yaml' | 'json'): { job: JobFile; parsed: ParsedJobText } {
  const parsed = parseJobText(text, file, format);
  const result = jobFileSchema.safeParse(parsed.data);
  if (!result.success) {
    const problems = schemaProblems(result.error.issues, parsed.data, file, parsed.positions);
    // Never let a failed parse through as valid, even if no issue could be worded.
    throw problems.length > 0 ? (problems.length === 1 ? problems[0] : new DprocErrors(problems))
      : problemError(ERROR_CODES.JOB_SCHEMA, file, { text: result.error.message });
  }
  return { job: result.data, parsed };
}

function formatOf(file: string): 'yaml' | 'json' {
  const format = jobFileFormat(file);
  if (!format) {
    throw problemError(ERROR_CODES.USAGE, file, { text: 'a job file must end in .yaml, .yml or .json' });
  }
  return format;
}

function notFound(file: string, absFile: string, err: unknown): DprocError {
  const code = (err as { code?: unknown } | null)?.code;
  const where = absFile === file ? '' : ` (${absFile})`;
  const text =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? `job file not found${where}`
      : `cannot read the job file${where}: ${err instanceof Error ? err.message : String(err)}`;
  return problemError(ERROR_CODES.JOB_NOT_FOUND, file, { text });
}

/** Options are checked against the same schema fields as the job file, so both accept the same values. */
function checkOptions(file: string, opts: LoadJobOptions): void {
  const problems: DprocError[] = [];
  for (const key of ['concurrency', 'onFailure'] as const) {
    if (opts[key] === undefined) continue;
    const field = jobFileSchema.shape[key];
    if (!field.safeParse(opts[key]).success) {
      problems.push(
        problemError(ERROR_CODES.USAGE, file, {
          path: `${key} (option)`,
          field: key,
          text: `expected ${describeSchema(field)}, got ${showValue(opts[key])}`,
        }),
      );
    }
  }
  throwProblems(problems);
}
