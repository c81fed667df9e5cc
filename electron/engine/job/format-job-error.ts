import { DprocError, DprocErrors } from '../../../shared/errors.ts';

/** The separate problems inside an error: each of a DprocErrors, else the error itself. */
export function jobProblems(err: unknown): DprocError[] {
  if (err instanceof DprocErrors) return err.errors.flatMap((e) => jobProblems(e));
  return err instanceof DprocError ? [err] : [];
}

/**
 * Text for the CLI: one problem per line, each `message [CODE]` so that a user can search for the code.
 * Anything that is not a DprocError (a bug, not a job-file problem) prints its message (or stack).
 */
export function formatJobError(err: unknown): string {
  const problems = jobProblems(err);
  if (problems.length > 0) return problems.map((p) => `${p.message} [${p.code}]`).join('\n');
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
