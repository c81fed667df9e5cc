import { parse, relative } from 'node:path';
import type { TaskInput } from '../../../shared/job-schema.ts';

/** One task made from a foreach item. */
export interface Expansion {
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** The item it came from, for messages: `file "data/a.csv"` or `value "eu"`. */
  source: string;
}

/**
 * Makes an id part valid by replacing each run of characters outside `[A-Za-z0-9._-]` with one `_`
 * ("new york" → "new_york"). Chosen over an error because data file names with spaces are common and
 * the original stays available in `input.file` / `input.value`; the rare collisions this creates are
 * reported as duplicate ids.
 */
export function sanitiseIdPart(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * The tasks a foreach task stands for, in order: one per matched file (`<id>-<basename without its
 * last extension>`, `input.file` = absolute path) or one per value (`<id>-<value>`, `input.value`).
 * `files` are the glob matches, absolute and sorted; `input` must be a mapping or absent (checked by the caller).
 */
export function expandForeach(task: TaskInput, files: readonly string[], jobDir: string): Expansion[] {
  const base = (task.input ?? {}) as Record<string, unknown>;
  const make = (label: string, input: Record<string, unknown>, source: string): Expansion => {
    const id = `${task.id}-${sanitiseIdPart(label)}`;
    // A foreach task's own name (if any) is a label, so its expansions keep the unsanitised item.
    return { id, name: task.name === undefined ? id : `${task.name}-${label}`, input, source };
  };
  if (!task.foreach) return [];
  if ('files' in task.foreach) {
    return files.map((file) =>
      make(parse(file).name, { ...base, file }, `file ${JSON.stringify(relative(jobDir, file) || file)}`),
    );
  }
  return task.foreach.values.map((value) =>
    make(String(value), { ...base, value }, `value ${JSON.stringify(value)}`),
  );
}
