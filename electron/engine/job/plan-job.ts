import { dirname, extname } from 'node:path';
import { validateDag } from '../../../shared/dag.ts';
import { DprocError, ERROR_CODES, type ErrorCode } from '../../../shared/errors.ts';
import { DEFAULT_TASK_SETTINGS, type JobFile, type JobPlan, type PlannedTask } from '../../../shared/job-schema.ts';
import type { OnFailurePolicy } from '../../../shared/states.ts';
import { expandForeach, type Expansion } from './foreach.ts';
import { resolveProcessor, type JobFacts } from './job-facts.ts';
import { problemError, showValue, taskLabel, throwProblems, type Problem, type TaskRef } from './job-problem.ts';
import type { DataPath, SourcePositions } from './source-positions.ts';
import { closestName } from './suggest.ts';

/** Extensions a processor module may have: what the worker can import (Node 24 strips .ts types). */
export const PROCESSOR_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.ts'];

/** Everything planJob needs besides the validated job file. */
export interface PlanContext {
  /** The job file as the caller named it: every message starts with it. */
  file: string;
  /** Its absolute path: processors and foreach globs are relative to its directory. */
  absFile: string;
  facts: JobFacts;
  positions?: SourcePositions;
  /** Already-validated overrides of the job file's own values (CLI flags, the launcher). */
  overrides?: { concurrency?: number; onFailure?: OnFailurePolicy };
}

/** Where a task id comes from, for duplicate-id messages. */
interface Origin {
  task: TaskRef;
  expansion?: Expansion;
}

/**
 * Turns a schema-valid job file into the plan the coordinator runs: settings resolved
 * (DEFAULT_TASK_SETTINGS < `defaults` < task), foreach expanded, blockedBy expanded, processors resolved,
 * and the DAG checked. Problems with processors, foreach, ids and blockedBy are all collected; a cycle
 * is reported on its own once the rest is sound.
 */
export function planJob(job: JobFile, ctx: PlanContext): JobPlan {
  const problems: DprocError[] = [];
  const report = (code: ErrorCode, problem: Problem, path: DataPath): void => {
    const at = ctx.positions?.value(path);
    problems.push(problemError(code, ctx.file, at ? { ...problem, at } : problem));
  };
  const jobDir = dirname(ctx.absFile);
  const refs: TaskRef[] = job.tasks.map((t, index) => ({ index, id: t.id }));
  const expansions = new Map<string, Expansion[]>(); // foreach id → its tasks

  job.tasks.forEach((task, i) => {
    const processor = resolveProcessor(ctx.absFile, task.processor);
    const here = ['tasks', i, 'processor'];
    if (!PROCESSOR_EXTENSIONS.includes(extname(processor).toLowerCase())) {
      // JOB_SCHEMA, not PROCESSOR_INVALID: this is a job-file field problem found before anything runs;
      // PROCESSOR_INVALID is for a module that loads but exports no processor.
      report(ERROR_CODES.JOB_SCHEMA, {
        task: refs[i], path: 'processor',
        text: `expected a .js, .mjs or .ts module, got ${JSON.stringify(task.processor)}`,
      }, here);
    } else if (ctx.facts.processors.get(processor) !== 'file') {
      const what = ctx.facts.processors.get(processor) === 'other' ? 'not a file' : 'file not found';
      report(ERROR_CODES.PROCESSOR_NOT_FOUND, { task: refs[i], path: 'processor', text: `${what}: ${processor}` }, here);
    }
    if (!task.foreach) return;
    if (task.input !== undefined && task.input !== null && (typeof task.input !== 'object' || Array.isArray(task.input))) {
      report(ERROR_CODES.JOB_SCHEMA, {
        task: refs[i], path: 'input',
        text: `expected a mapping (or no input) on a foreach task, since each item is added to it; got ${showValue(task.input)}`,
      }, ['tasks', i, 'input']);
      return;
    }
    const files = 'files' in task.foreach ? (ctx.facts.globs.get(task.foreach.files) ?? []) : [];
    if ('files' in task.foreach && files.length === 0) {
      report(ERROR_CODES.FOREACH_EMPTY, {
        task: refs[i], path: 'foreach.files',
        text: `pattern ${JSON.stringify(task.foreach.files)} matched no files (relative to ${jobDir})`,
      }, ['tasks', i, 'foreach', 'files']);
    }
    expansions.set(task.id, expandForeach(task, files, jobDir));
  });

  // Every name blockedBy may use: plain ids, foreach ids (standing for their group) and expansion ids.
  const names = new Map<string, Origin>();
  job.tasks.forEach((task, i) => {
    const other = names.get(task.id);
    if (other) {
      report(ERROR_CODES.DUPLICATE_ID, {
        task: refs[i], path: 'id', text: `duplicate id ${JSON.stringify(task.id)}, already used by tasks[${other.task.index}]`,
      }, ['tasks', i, 'id']);
    } else names.set(task.id, { task: refs[i] });
  });
  job.tasks.forEach((task, i) => {
    for (const expansion of expansions.get(task.id) ?? []) {
      const other = names.get(expansion.id);
      if (other) {
        report(ERROR_CODES.DUPLICATE_ID, {
          task: refs[i], path: 'foreach', field: 'id',
          text: `the id ${JSON.stringify(expansion.id)} made for ${expansion.source} is already used by ${describeOrigin(other)}`,
        }, ['tasks', i, 'foreach']);
      } else names.set(expansion.id, { task: refs[i], expansion });
    }
  });
  job.tasks.forEach((task, i) => {
    (task.blockedBy ?? []).forEach((dep, j) => {
      if (names.has(dep)) return;
      // Suggestions cost an edit distance per name; past a few thousand names a typo is not worth seconds.
      const guess = names.size <= 5000 ? closestName(dep, [...names.keys()]) : undefined;
      report(ERROR_CODES.UNKNOWN_DEPENDENCY, {
        task: refs[i], path: 'blockedBy',
        text: `unknown task ${JSON.stringify(dep)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`,
      }, ['tasks', i, 'blockedBy', j]);
    });
  });
  throwProblems(problems);

  const tasks = job.tasks.flatMap((task) => plannedTasks(job, task, ctx.absFile, expansions));
  try {
    validateDag(tasks, ctx.file);
  } catch (err) {
    throw withTaskPosition(err, job, ctx.positions, tasks);
  }
  const plan: JobPlan = { name: job.name, file: ctx.absFile, tasks };
  const concurrency = ctx.overrides?.concurrency ?? job.concurrency;
  const onFailure = ctx.overrides?.onFailure ?? job.onFailure;
  if (concurrency !== undefined) plan.concurrency = concurrency;
  if (onFailure !== undefined) plan.onFailure = onFailure;
  return plan;
}

function plannedTasks(
  job: JobFile,
  task: JobFile['tasks'][number],
  absFile: string,
  expansions: ReadonlyMap<string, Expansion[]>,
): PlannedTask[] {
  const blockedBy = [...new Set((task.blockedBy ?? []).flatMap((dep) => expansions.get(dep)?.map((e) => e.id) ?? [dep]))];
  const settings = {
    retries: task.retries ?? job.defaults?.retries ?? DEFAULT_TASK_SETTINGS.retries,
    backoffMs: task.backoffMs ?? job.defaults?.backoffMs ?? DEFAULT_TASK_SETTINGS.backoffMs,
    maxBackoffMs: task.maxBackoffMs ?? job.defaults?.maxBackoffMs ?? DEFAULT_TASK_SETTINGS.maxBackoffMs,
    timeoutMs: task.timeoutMs ?? job.defaults?.timeoutMs ?? DEFAULT_TASK_SETTINGS.timeoutMs,
    memoryLimitMb: task.memoryLimitMb ?? job.defaults?.memoryLimitMb ?? DEFAULT_TASK_SETTINGS.memoryLimitMb,
    isolation: task.isolation ?? job.defaults?.isolation ?? DEFAULT_TASK_SETTINGS.isolation,
  };
  const processor = resolveProcessor(absFile, task.processor);
  const group = expansions.get(task.id);
  if (!group) return [{ id: task.id, name: task.name ?? task.id, processor, input: task.input, blockedBy, ...settings }];
  return group.map((e) => ({
    id: e.id, name: e.name, processor, input: e.input, blockedBy: [...blockedBy], group: task.id, ...settings,
  }));
}

function describeOrigin(origin: Origin): string {
  return origin.expansion ? `${taskLabel(origin.task)} for ${origin.expansion.source}` : taskLabel(origin.task);
}

/** Adds the line and column of the first task in a cycle, which validateDag cannot know. */
function withTaskPosition(err: unknown, job: JobFile, positions: SourcePositions | undefined, tasks: PlannedTask[]): unknown {
  if (!(err instanceof DprocError) || !positions || err.location.taskId === undefined) return err;
  const planned = tasks.find((t) => t.id === err.location.taskId);
  const index = job.tasks.findIndex((t) => t.id === (planned?.group ?? planned?.id));
  const at = index >= 0 ? positions.value(['tasks', index, 'blockedBy']) : undefined;
  return at ? new DprocError(err.code, err.message, { ...err.location, line: at.line, column: at.column }) : err;
}
