// Experiment: what grouping journal commits would buy. Today RunJournal commits once per event-loop
// turn (setImmediate), so with 2 attempts in flight nearly every completion pays a transaction (~150-300
// µs here). GroupingStore below holds appends for `ms` and writes them in one RunStore.append. It
// acknowledges events before they are on disk, which the engine must not do: it only sizes the gain.
//
//   node bench/experiments/group-commit.ts [--reps 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Coordinator, type CoordinatorStore } from '../../electron/engine/coordinator/coordinator.ts';
import type { PendingOutput } from '../../electron/engine/coordinator/journal.ts';
import { createExecutor } from '../../electron/engine/executors/create-executor.ts';
import type { ExecutorFactory } from '../../electron/engine/executors/executor.ts';
import { ExecutorSet } from '../../electron/engine/executors/executor-set.ts';
import { RunStore } from '../../electron/engine/store/run-store.ts';
import type { JournaledEvent, RunEvent } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { instantExecutorFactory } from '../lib/executors.ts';
import { fanInPlan } from '../lib/plans.ts';
import { formatNumber } from '../lib/report.ts';
import { median } from '../lib/stats.ts';

type Summary = Parameters<CoordinatorStore['append']>[3];

/** Buffers appends for `ms` and commits them as one transaction (see the caveat above). */
class GroupingStore implements CoordinatorStore {
  commits = 0;
  readonly #store: RunStore;
  readonly #ms: number;
  #runId = '';
  #seq = 0;
  #events: RunEvent[] = [];
  #outputs: PendingOutput[] = [];
  #summary: Summary;
  #timer: NodeJS.Timeout | undefined;

  constructor(store: RunStore, ms: number) {
    this.#store = store;
    this.#ms = ms;
  }

  createRun(event: Extract<RunEvent, { type: 'run.created' }>): unknown {
    this.#runId = event.runId;
    return this.#store.createRun(event);
  }

  loadSnapshot(runId: string): RunSnapshot {
    const snapshot = this.#store.loadSnapshot(runId);
    this.#seq = snapshot.seq;
    return snapshot;
  }

  claimRun(runId: string, owner: { pid: number; host: string }): void {
    this.#store.claimRun(runId, owner);
  }

  releaseRun(runId: string): void {
    this.flush();
    this.#store.releaseRun(runId);
  }

  append(_runId: string, events: RunEvent[], outputs: PendingOutput[] = [], summary?: Summary): JournaledEvent[] {
    this.#events.push(...events);
    this.#outputs.push(...outputs);
    this.#summary = summary;
    this.#timer ??= setTimeout(() => this.flush(), this.#ms);
    return events.map((e) => ({ ...e, seq: ++this.#seq }) as JournaledEvent);
  }

  getOutputs(runId: string, taskIds: string[]): Map<string, Uint8Array> {
    this.flush();
    return this.#store.getOutputs(runId, taskIds);
  }

  /** Commits whatever is buffered. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#events.length === 0) return;
    this.#store.append(this.#runId, this.#events, this.#outputs, this.#summary);
    this.commits++;
    this.#events = [];
    this.#outputs = [];
  }
}

const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' } } });
const once = pathToFileURL(fileURLToPath(new URL('../fixtures/once-per-thread-entry.ts', import.meta.url)));
const executors: [string, ExecutorFactory][] = [
  ['instant executor', instantExecutorFactory()],
  ['pooled, import once per thread', (kind, c) => createExecutor(kind, c, { pooled: { entry: once } })],
  ['pooled as is', (kind, c) => createExecutor(kind, c)],
];
const plan = fanInPlan(10_000, { isolation: 'pooled' });
const results = new Map<string, { tps: number; commits: number }[]>();
for (let rep = 0; rep < Number(values.reps); rep++) {
  for (const [name, factory] of executors) {
    for (const groupMs of [0, 2, 10]) {
      const dir = mkdtempSync(join(tmpdir(), 'dproc-bench-exp-'));
      const real = RunStore.open(dir);
      const grouping = groupMs > 0 ? new GroupingStore(real, groupMs) : undefined;
      let commits = 0;
      const counting: CoordinatorStore = grouping ?? {
        createRun: (e) => real.createRun(e),
        loadSnapshot: (id) => real.loadSnapshot(id),
        claimRun: (id, o) => real.claimRun(id, o),
        releaseRun: (id) => void real.releaseRun(id),
        getOutputs: (id, ids) => real.getOutputs(id, ids),
        append: (id, e, o, s) => (commits++, real.append(id, e, o, s)),
      };
      const set = new ExecutorSet(2, factory);
      const t0 = performance.now();
      const c = Coordinator.start(plan, { concurrency: 2, onFailure: 'fail' }, { store: counting, executors: set });
      const s = await c.whenSettled();
      const ms = performance.now() - t0;
      grouping?.flush();
      await c.close();
      await set.close();
      real.close();
      rmSync(dir, { recursive: true, force: true });
      if (s.state !== 'COMPLETE') throw new Error(`run ended ${s.state}`);
      const key = `${name}, ${groupMs === 0 ? 'commit per loop turn (as is)' : `commits grouped every ${groupMs} ms`}`;
      const list = results.get(key) ?? [];
      list.push({ tps: plan.tasks.length / (ms / 1000), commits: grouping?.commits ?? commits });
      results.set(key, list);
    }
  }
}
console.log(`${formatNumber(plan.tasks.length)} tasks, concurrency 2, RunStore; medians of ${values.reps}`);
for (const [key, list] of results) {
  console.log(`${key.padEnd(72)} ${formatNumber(median(list.map((r) => r.tps))).padStart(7)} tasks/s  ${formatNumber(median(list.map((r) => r.commits)))} commits`);
}
