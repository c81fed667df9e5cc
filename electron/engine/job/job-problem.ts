import { DprocError, DprocErrors, type ErrorCode, type ErrorLocation } from '../../../shared/errors.ts';
import { TASK_ID_PATTERN } from '../../../shared/job-schema.ts';
import type { LineColumn } from './source-positions.ts';

/** Which task a problem is about: its index in `tasks`, and its id when that id is valid. */
export interface TaskRef {
  index: number;
  id?: string;
}

/** Everything one job-file problem message is built from. */
export interface Problem {
  /** The task it is about; omitted for top-level problems. */
  task?: TaskRef;
  /** Where inside the task (or the file) the problem is, as printed: `retries`, `foreach.values[2]`, `defaults`. */
  path?: string;
  /** The field for `location.field`, when it differs from `path` (an unknown key names the key itself). */
  field?: string;
  text: string;
  at?: LineColumn;
}

/** `tasks[3]`, or `tasks[3] (id "region-a")` when the task has a valid id: users find a task by either. */
export function taskLabel(task: TaskRef): string {
  return task.id === undefined ? `tasks[${task.index}]` : `tasks[${task.index}] (id ${JSON.stringify(task.id)})`;
}

/** A TaskRef for `tasks[index]` of unvalidated data: the id is only trusted when it is a valid task id. */
export function taskRefOf(data: unknown, index: number): TaskRef {
  const tasks = (data as { tasks?: unknown } | null)?.tasks;
  const id = Array.isArray(tasks) ? (tasks[index] as { id?: unknown } | null)?.id : undefined;
  return typeof id === 'string' && TASK_ID_PATTERN.test(id) ? { index, id } : { index };
}

/**
 * Builds the DprocError for one problem. Every message has the shape
 * `<file>: [tasks[i] (id "x"): ][<path>: ]<text>` so that a person can find the spot and tools can
 * split it; line and column go into `location` (syntax errors put them in the message too).
 */
export function problemError(code: ErrorCode, file: string, problem: Problem): DprocError {
  const parts = [file];
  if (problem.task) parts.push(taskLabel(problem.task));
  if (problem.path) parts.push(problem.path);
  parts.push(problem.text);
  const location: ErrorLocation = { file };
  if (problem.task?.id !== undefined) location.taskId = problem.task.id;
  const field = problem.field ?? problem.path;
  if (field) location.field = field;
  if (problem.at) {
    location.line = problem.at.line;
    location.column = problem.at.column;
  }
  return new DprocError(code, parts.join(': '), location);
}

/** Throws nothing for no problems, the problem itself for one, and a DprocErrors for several. */
export function throwProblems(problems: readonly DprocError[]): void {
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new DprocErrors([...problems]);
}

/** Quotes a value for a message: strings in JSON quotes (cut when long), lists and mappings by shape. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty mapping' : `a mapping with ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return String(value);
}
