// Experiment: the coordinator-thread heap of a 100,000-region fan-in, structure by structure, each
// measured as live heap after a full GC, in the order Coordinator.start and the run create them.
//
//   node --expose-gc bench/experiments/memory-parts.ts [--regions 100000]
import { parseArgs } from 'node:util';
import { newAttemptId } from '../../electron/engine/coordinator/attempt-id.ts';
import { applyEvent, initialSnapshot } from '../../shared/apply-event.ts';
import { dependentsIndex } from '../../shared/dag.ts';
import type { RunEvent } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { fanInPlan } from '../lib/plans.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const { values } = parseArgs({ options: { regions: { type: 'string', default: '100000' } } });
const regions = Number(values.regions);
const MB = 1024 * 1024;
const live = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / MB;
};
const kept: unknown[] = [];
let before = live();
/** Builds one structure, keeps it alive, and prints what it added to the live heap and how long it took. */
function step<T>(label: string, build: () => T): T {
  const t0 = performance.now();
  const value = build();
  const ms = performance.now() - t0;
  kept.push(value);
  const after = live();
  console.log(`${label.padEnd(66)} +${(after - before).toFixed(1).padStart(6)} MB  ${ms.toFixed(0).padStart(5)} ms`);
  before = after;
  return value;
}

const plan = step(`JobPlan of ${regions} regions + aggregate (the caller's copy)`, () => fanInPlan(regions, { isolation: 'pooled' }));
const created = { type: 'run.created', at: Date.now(), runId: 'x', plan, options: { concurrency: 2, onFailure: 'fail' } } as const;
const json = step('run.created as JSON text (RunStore.createRun writes it; transient)', () => JSON.stringify(created));
const parsed = step('run.created parsed back (loadSnapshot replays it: a 2nd plan)', () => JSON.parse(json) as typeof created);
kept.splice(kept.indexOf(json), 1);
before = live();
const snapshot = step('initialSnapshot: one TaskSnapshot per task', () => initialSnapshot(parsed));
step('dependentsIndex (Coordinator: one array per task)', () => dependentsIndex(parsed.plan.tasks));
step('Coordinator plan and unsatisfied Maps', () => [new Map(parsed.plan.tasks.map((t) => [t.id, t])), new Map(parsed.plan.tasks.map((t) => [t.id, 0]))]);
step(`${3 * regions} events folded (every region queued, started, COMPLETE)`, () => {
  let s: RunSnapshot = snapshot;
  for (let i = 0; i < regions; i++) {
    const taskId = `r${i}`;
    const attemptId = newAttemptId();
    const at = Date.now();
    const events: RunEvent[] = [
      { type: 'task.queued', at, taskId },
      { type: 'attempt.started', at, taskId, attemptId, attempt: 1, slot: i % 2 },
      { type: 'attempt.succeeded', at, taskId, attemptId },
    ];
    for (const e of events) s = applyEvent(s, e);
  }
  return s;
});
