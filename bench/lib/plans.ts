import { fileURLToPath } from 'node:url';
import { DEFAULT_TASK_SETTINGS, type JobPlan, type PlannedTask } from '../../shared/job-schema.ts';
import type { IsolationLevel } from '../../shared/states.ts';

// JobPlans built in memory (no job file, no loader): the bench measures running jobs, not loading them.

/** Absolute path of a processor in bench/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** How the regions of a fan-in job run. */
export interface FanInOptions {
  isolation: IsolationLevel;
  /** Region processor file in bench/fixtures (default: the no-op). */
  processor?: string;
  /** Input of every region. */
  input?: unknown;
  /** Whether an aggregate blocked by every region is added (default true). */
  aggregate?: boolean;
}

/**
 * `regions` regions r0..rN-1 plus (by default) one aggregate blocked by all of them that counts its
 * upstream outputs: the shape every dproc job has. No retries, so a failure shows up as a failed run.
 */
export function fanInPlan(regions: number, options: FanInOptions): JobPlan {
  const base = { ...DEFAULT_TASK_SETTINGS, retries: 0, isolation: options.isolation };
  const tasks: PlannedTask[] = new Array(regions);
  const processor = fixture(options.processor ?? 'noop.mjs');
  const input = options.input ?? {};
  for (let i = 0; i < regions; i++) {
    tasks[i] = { ...base, id: `r${i}`, name: `r${i}`, group: 'r', processor, input, blockedBy: [] };
  }
  if (options.aggregate !== false) {
    tasks.push({
      ...base,
      id: 'aggregate',
      name: 'aggregate',
      processor: fixture('count-upstream.mjs'),
      input: {},
      blockedBy: tasks.map((t) => t.id),
    });
  }
  return { name: `bench-fan-in-${regions}`, file: `/bench/fan-in-${regions}.job.yaml`, tasks };
}
