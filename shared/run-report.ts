import { dependentsIndex } from './dag.ts';
import type { RunSnapshot } from './snapshot.ts';
import type { AttemptState, RunState, TaskState } from './states.ts';

/** The JSON document `dproc run --json` and `dproc show --json` print (a contract: scripts parse it). */
export interface RunReport {
  runId: string;
  job: string;
  jobFile: string;
  state: RunState;
  startedAt: string;
  finishedAt?: string;
  tasks: {
    id: string;
    name: string;
    state: TaskState;
    attempts: { attempt: number; state: AttemptState; startedAt: string; finishedAt?: string; error?: { message: string; code?: string; processorCode?: string } }[];
    output?: unknown;
  }[];
  /** The output of the single sink task, or an object keyed by sink id when there are several. */
  result: unknown;
  /** Tasks whose output the result lacks. */
  missing: string[];
}

/** The tasks nobody is blocked by: their outputs are the job's result. */
export function sinkTasks(snapshot: RunSnapshot): string[] {
  const dependents = dependentsIndex(snapshot.plan.tasks);
  return snapshot.order.filter((id) => (dependents.get(id) ?? []).length === 0);
}

/** Builds the report from a snapshot and the tasks' outputs (already JSON-safe). */
export function buildRunReport(snapshot: RunSnapshot, outputs: ReadonlyMap<string, unknown>): RunReport {
  const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  const sinks = sinkTasks(snapshot);
  const result = sinks.length === 1 ? (outputs.get(sinks[0]) ?? null) : Object.fromEntries(sinks.map((id) => [id, outputs.get(id) ?? null]));
  return {
    runId: snapshot.runId,
    job: snapshot.jobName,
    jobFile: snapshot.jobFile,
    state: snapshot.state,
    startedAt: iso(snapshot.createdAt)!,
    finishedAt: iso(snapshot.finishedAt),
    tasks: snapshot.order.map((id) => {
      const t = snapshot.tasks[id];
      return {
        id,
        name: t.name,
        state: t.state,
        attempts: t.attempts.map((a) => ({
          attempt: a.attempt,
          state: a.state,
          startedAt: iso(a.startedAt)!,
          finishedAt: iso(a.finishedAt),
          ...(a.error ? { error: { message: a.error.message, ...(a.error.code ? { code: a.error.code } : {}), ...(a.error.processorCode ? { processorCode: a.error.processorCode } : {}) } } : {}),
        })),
        ...(outputs.has(id) ? { output: outputs.get(id) } : {}),
      };
    }),
    result,
    missing: snapshot.order.filter((id) => snapshot.tasks[id].state !== 'COMPLETE'),
  };
}
