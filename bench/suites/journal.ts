import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { RunStore } from '../../electron/engine/store/run-store.ts';
import type { RunEvent } from '../../shared/events.ts';
import { TASK_STATES, type TaskState } from '../../shared/states.ts';
import { interleave, type TrialResult } from '../lib/measure.ts';
import { fanInPlan } from '../lib/plans.ts';
import { failed, figure, formatNumber, skipped, type Row, type Section } from '../lib/report.ts';
import { perSecond } from '../lib/stats.ts';
import type { BenchContext } from './context.ts';

const BATCH = 1_000;
const EVENTS = 100_000;

interface Batch {
  events: RunEvent[];
  outputs: { taskId: string; attemptId: string; bytes: Uint8Array }[];
}

/**
 * 100,000 events as a run journals them (queued, started, succeeded per task), cut into 1,000-event
 * batches; with `outputs`, each success carries its task's output in the same append, as the coordinator does.
 */
function makeBatches(outputs: boolean): Batch[] {
  const bytes = serialize(1);
  const batches: Batch[] = [];
  let current: Batch = { events: [], outputs: [] };
  for (let i = 0; batches.length * BATCH + current.events.length < EVENTS; i++) {
    const taskId = `r${i}`;
    const attemptId = randomUUID();
    const at = Date.now();
    const triple: RunEvent[] = [
      { type: 'task.queued', at, taskId },
      { type: 'attempt.started', at, taskId, attemptId, attempt: 1, slot: i % 2 },
      { type: 'attempt.succeeded', at, taskId, attemptId },
    ];
    for (const e of triple) {
      current.events.push(e);
      if (outputs && e.type === 'attempt.succeeded') current.outputs.push({ taskId, attemptId, bytes });
      if (current.events.length === BATCH) {
        batches.push(current);
        current = { events: [], outputs: [] };
      }
    }
  }
  if (current.events.length > 0) batches.push(current);
  return batches;
}

/** Appends the batches to a new run in a fresh store; returns events per second. */
function appendRate(batches: Batch[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'dproc-bench-journal-'));
  const store = RunStore.open(dir);
  try {
    const runId = `bench-${randomUUID()}`;
    const plan = fanInPlan(1, { isolation: 'pooled', aggregate: false });
    store.createRun({ type: 'run.created', at: Date.now(), runId, plan, options: { concurrency: 2, onFailure: 'fail' } });
    const counts = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
    let events = 0;
    const t0 = performance.now();
    for (const b of batches) {
      store.append(runId, b.events, b.outputs, { state: 'RUNNING', counts });
      events += b.events.length;
    }
    return perSecond(events, performance.now() - t0);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measurement 4: RunStore append throughput, and replaying the 100,000-task run of measurement 3. */
export async function journalSuite(ctx: BenchContext): Promise<Section> {
  const plain = makeBatches(false);
  const withOutputs = makeBatches(true);
  const rate = (r: number): string => `${formatNumber(r)} events/s`;
  const appends = await interleave<number>(ctx.reps, [
    { id: 'append events', run: async () => appendRate(plain), describe: rate },
    { id: 'append events + outputs', run: async () => appendRate(withOutputs), describe: rate },
  ]);
  const rows: Row[] = [
    row(appends.get('append events'), 'journal.append', `RunStore.append, ${formatNumber(BATCH)}-event batches (${formatNumber(EVENTS)} events)`, 'events/s'),
    row(appends.get('append events + outputs'), 'journal.append-outputs', 'same, each success storing its output in the same transaction', 'events/s', true),
  ];

  const big = ctx.bigRun;
  if (!big) {
    rows.push(skipped('journal.replay', 'replay of the 100,000-task run (loadSnapshot)', 's', 'measurement 3 was not run (--only)'));
  } else if (!big.runId) {
    rows.push(failed('journal.replay', 'replay of the 100,000-task run (loadSnapshot)', 's', new Error('measurement 3 did not produce a run to replay')));
  } else {
    const store = RunStore.open(big.dataDir);
    try {
      const replays = await interleave<{ ms: number; events: number }>(ctx.reps, [
        {
          id: 'replay',
          run: async () => {
            const t0 = performance.now();
            const snapshot = store.loadSnapshot(big.runId);
            const ms = performance.now() - t0;
            if (snapshot.state !== 'COMPLETE') throw new Error(`replayed run is ${snapshot.state}, not COMPLETE`);
            return { ms, events: snapshot.seq };
          },
          describe: (r) => `${formatNumber(r.ms)} ms`,
        },
        {
          id: 'read + parse',
          run: async () => {
            const t0 = performance.now();
            let events = 0;
            for (const _ of store.iterateEvents(big.runId)) events++;
            return { ms: performance.now() - t0, events };
          },
          describe: (r) => `${formatNumber(r.ms)} ms`,
        },
      ]);
      const replay = replays.get('replay');
      const events = replay?.samples[0]?.events ?? big.events;
      rows.push(
        row(replay && mapped(replay, (r) => r.ms / 1000), 'journal.replay', `replay of the ${formatNumber(events)}-event run of measurement 3 (RunStore.loadSnapshot)`, 's'),
        row(replay && mapped(replay, (r) => perSecond(r.events, r.ms)), 'journal.replay-rate', 'replay rate', 'events/s', true),
        row(replays.get('read + parse') && mapped(replays.get('read + parse')!, (r) => r.ms / 1000), 'journal.read-parse', 'of which reading and JSON.parse (iterateEvents alone)', 's', true),
      );
    } finally {
      store.close();
    }
  }
  return {
    id: '4',
    title: 'Journal: RunStore on node:sqlite (WAL, synchronous=NORMAL), each repetition in a fresh data dir',
    rows,
    notes: [
      'Appends: queued/started/succeeded events of consecutive tasks with the run summary, as the coordinator commits them. Replay: the full run of measurement 3, read back and folded with the shared applyEvent.',
    ],
  };
}

function mapped<T>(r: TrialResult<T>, f: (x: T) => number): TrialResult<number> {
  return { samples: r.samples.map(f), error: r.error };
}

function row(r: TrialResult<number> | undefined, id: string, label: string, unit: string, detail = false): Row {
  if (!r || r.error !== undefined || r.samples.length === 0) return failed(id, label, unit, r?.error ?? new Error('not measured'), { detail });
  return figure(id, label, unit, r.samples, { detail });
}
