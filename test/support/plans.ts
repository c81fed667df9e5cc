import { DEFAULT_TASK_SETTINGS, type JobPlan, type PlannedTask } from '../../shared/job-schema.ts';

/** A JobPlan from short task descriptions; processors are not read by fake executors. */
export function makePlan(tasks: (Partial<PlannedTask> & { id: string })[], name = 'test-job'): JobPlan {
  return {
    name,
    file: `/virtual/${name}.yaml`,
    tasks: tasks.map((t) => ({
      ...DEFAULT_TASK_SETTINGS,
      backoffMs: 1,
      name: t.id,
      processor: `/virtual/${t.id}.mjs`,
      input: {},
      blockedBy: [],
      ...t,
    })),
  };
}

/** N regions `r0..rN-1` and an `aggregate` blocked by all of them. */
export function fanIn(n: number, settings: Partial<PlannedTask> = {}): JobPlan {
  const regions = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, group: 'r', ...settings }));
  return makePlan([...regions, { id: 'aggregate', blockedBy: regions.map((r) => r.id), ...settings }]);
}
