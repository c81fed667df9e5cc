import type { JobProblem } from '../../../../shared/contract.ts';
import { useApp } from '../../store/index.ts';
import { formatCount } from '../common/format.ts';

/** What validateJob said about the selected job: a short preview, or every problem by task and field. */
export function ValidationPanel() {
  const validation = useApp((s) => s.validation);
  switch (validation.status) {
    case 'idle':
      return null;
    case 'checking':
      return (
        <p className="validation validation--checking" data-testid="job-checking" aria-live="polite">
          Checking…
        </p>
      );
    case 'error':
      return (
        <p className="validation validation--error" role="alert" data-testid="job-invalid">
          {validation.message}
        </p>
      );
    case 'invalid':
      return (
        <div className="validation validation--error" role="alert" data-testid="job-invalid">
          <p>
            {validation.problems.length} problem{validation.problems.length === 1 ? '' : 's'} in this job:
          </p>
          <ul data-testid="job-problems">
            {validation.problems.map((p, i) => (
              <li key={i} data-testid="job-problem" data-code={p.code} data-task-id={p.taskId} data-field={p.field}>
                <ProblemWhere problem={p} />
                <span className="validation__message">{p.message}</span>
              </li>
            ))}
          </ul>
        </div>
      );
    case 'valid': {
      const { preview } = validation;
      const groups = new Set(preview.tasks.map((t) => t.group).filter(Boolean));
      const regions = preview.tasks.filter((t) => t.group).length;
      return (
        <div className="validation validation--ok" data-testid="job-valid" aria-live="polite">
          <b>{preview.name}</b>: {formatCount(preview.tasks.length)} tasks
          {regions > 0 && ` (${formatCount(regions)} regions in ${groups.size} group${groups.size === 1 ? '' : 's'})`}
          <br />
          <small title={preview.file}>{preview.file}</small>
        </div>
      );
    }
  }
}

function ProblemWhere({ problem }: { problem: JobProblem }) {
  const parts: string[] = [];
  if (problem.taskId) parts.push(`task "${problem.taskId}"`);
  if (problem.field) parts.push(`field "${problem.field}"`);
  if (problem.line !== undefined) parts.push(`line ${problem.line}${problem.column !== undefined ? `:${problem.column}` : ''}`);
  return parts.length > 0 ? <span className="validation__where">{parts.join(' · ')}</span> : null;
}
