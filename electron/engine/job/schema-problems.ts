import { z } from 'zod';
import { ERROR_CODES } from '../../../shared/errors.ts';
import type { DprocError } from '../../../shared/errors.ts';
import { jobFileSchema } from '../../../shared/job-schema.ts';
import { problemError, showValue, taskRefOf, type Problem } from './job-problem.ts';
import type { DataPath, SourcePositions } from './source-positions.ts';
import { closestName } from './suggest.ts';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/**
 * Turns zod's issues for a job file into one DprocError (DPROC_E_JOB_SCHEMA) per problem, worded from
 * the schema itself ("expected a non-negative integer, got "two"") so that the messages follow the one
 * schema in shared/ instead of a second description of it.
 */
export function schemaProblems(
  issues: readonly Issue[],
  data: unknown,
  file: string,
  positions?: SourcePositions,
  root: Schema = jobFileSchema,
): DprocError[] {
  const out: DprocError[] = [];
  const add = (path: DataPath, text: string, keyAt?: string): void => {
    const { task, rel } = splitTaskPath(data, path);
    const where = formatPath(rel);
    const problem: Problem = { text };
    if (task) problem.task = task;
    if (where) problem.path = where;
    if (keyAt !== undefined) problem.field = formatPath([...rel, keyAt]);
    const at = keyAt !== undefined ? positions?.key(path, keyAt) : positions?.value(path);
    if (at) problem.at = at;
    out.push(problemError(ERROR_CODES.JOB_SCHEMA, file, problem));
  };
  for (const issue of issues) describeIssue(issue, [], root, data, add);
  return out;
}

/** Describes what a schema accepts, for "expected …" ("an integer from 1 to 1024", "one of "a" or "b""). */
export function describeSchema(schema: Schema): string {
  if (schema instanceof z.ZodOptional) return describeSchema(schema.unwrap() as Schema);
  if (schema instanceof z.ZodNumber) return describeNumber(schema);
  if (schema instanceof z.ZodString) return (schema.minLength ?? 0) > 0 ? 'a non-empty string' : 'a string';
  if (schema instanceof z.ZodEnum) return `one of ${orList(schema.options.map((o) => JSON.stringify(o)))}`;
  if (schema instanceof z.ZodArray) return minLength(schema) > 0 ? 'a non-empty list' : 'a list';
  if (schema instanceof z.ZodObject) {
    const required = Object.entries(schema.shape)
      .filter(([, s]) => !(s instanceof z.ZodOptional))
      .map(([k]) => JSON.stringify(k));
    return required.length > 0 ? `a mapping with ${required.join(' and ')}` : 'a mapping';
  }
  if (schema instanceof z.ZodUnion) return orList(schema.options.map((o) => describeSchema(o as Schema)));
  if (schema instanceof z.ZodUnknown) return 'any value';
  return `a ${schema._zod.def.type}`;
}

type Add = (path: DataPath, text: string, keyAt?: string) => void;

function describeIssue(issue: Issue, base: DataPath, schema: Schema, data: unknown, add: Add): void {
  const path = [...base, ...issue.path];
  const target = schemaAt(schema, issue.path);
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = target instanceof z.ZodObject ? Object.keys(target.shape) : [];
      for (const key of issue.keys) {
        const guess = closestName(key, known);
        add(path, `unknown key ${JSON.stringify(key)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`, key);
      }
      return;
    }
    case 'invalid_union': {
      // Report the branch the value came closest to; when two tie, the value fits none: say what fits.
      const sizes = issue.errors.map(countIssues);
      const best = Math.min(...sizes);
      const options = target instanceof z.ZodUnion ? (target.options as Schema[]) : [];
      if (sizes.filter((s) => s === best).length === 1 && options.length === sizes.length) {
        const branch = sizes.indexOf(best);
        for (const sub of issue.errors[branch]) describeIssue(sub, path, options[branch], data, add);
        return;
      }
      add(path, `expected ${target ? describeSchema(target) : 'something else'}, got ${showValue(value)}`);
      return;
    }
    case 'invalid_format':
      if (issue.format === 'regex') {
        add(path, `${issue.message}, got ${showValue(value)}`);
        return;
      }
      break;
    case 'invalid_type':
      if (value === undefined) {
        add(path, `missing (expected ${target ? describeSchema(target) : issue.expected})`);
        return;
      }
      break;
    case 'custom':
      add(path, issue.message);
      return;
    default:
      break;
  }
  add(path, `expected ${target ? describeSchema(target) : issue.message}, got ${showValue(value)}`);
}

function countIssues(issues: readonly Issue[]): number {
  let n = 0;
  for (const i of issues) n += i.code === 'invalid_union' ? Math.min(...i.errors.map(countIssues)) : i.code === 'unrecognized_keys' ? i.keys.length : 1;
  return n;
}

/**
 * The schema that validates `path` under `schema` (optional wrappers removed). Zod reports some issues
 * inside a union with a plain path (when only one option fits the keys), so a key also selects the
 * union option that has it; undefined when nothing or several options do.
 */
function schemaAt(schema: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let s: Schema | undefined = unwrapOptional(schema);
  for (const seg of path) {
    if (s instanceof z.ZodUnion && typeof seg === 'string') {
      const withKey = (s.options as Schema[]).filter((o) => o instanceof z.ZodObject && seg in o.shape);
      s = withKey.length === 1 ? withKey[0] : undefined;
    }
    if (s instanceof z.ZodObject && typeof seg === 'string') s = s.shape[seg] as Schema | undefined;
    else if (s instanceof z.ZodArray && typeof seg === 'number') s = s.element as Schema;
    else return undefined;
    if (s === undefined) return undefined;
    s = unwrapOptional(s);
  }
  return s;
}

function unwrapOptional(schema: Schema): Schema {
  let s = schema;
  while (s instanceof z.ZodOptional) s = s.unwrap() as Schema;
  return s;
}

function valueAt(data: unknown, path: DataPath): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** Splits `["tasks", 3, "foreach", "files"]` into the task it is about and the rest of the path. */
function splitTaskPath(data: unknown, path: DataPath) {
  if (path[0] === 'tasks' && typeof path[1] === 'number') {
    return { task: taskRefOf(data, path[1]), rel: path.slice(2) };
  }
  return { task: undefined, rel: path };
}

/** `foreach.values[2]`: dots between keys, brackets around indexes, as in the job-file docs. */
export function formatPath(path: DataPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function describeNumber(schema: z.ZodNumber): string {
  const min = finite(schema.minValue);
  const max = finite(schema.maxValue);
  const noun = schema.isInt ? 'integer' : 'number';
  const a = schema.isInt ? 'an integer' : 'a number';
  if (min !== undefined && max !== undefined) return `${a} from ${min} to ${max}`;
  if (min === 0) return `a non-negative ${noun}`;
  if (min === 1 && schema.isInt) return 'a positive integer';
  if (min !== undefined) return `${a} of at least ${min}`;
  if (max !== undefined) return `${a} of at most ${max}`;
  return a;
}

function finite(n: number | null): number | undefined {
  return n !== null && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined;
}

function minLength(schema: z.ZodArray): number {
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def as { check: string; minimum?: number };
    if (def.check === 'min_length' && typeof def.minimum === 'number') return def.minimum;
  }
  return 0;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
