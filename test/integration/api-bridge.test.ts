import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../shared/apply-event.ts';
import type { EventBatch, JournaledEvent } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { EventBridge, type BridgeEngine, type EventSink } from '../../electron/api/event-bridge.ts';
import { RunOutbox } from '../../electron/api/run-outbox.ts';
import { Coordinator } from '../../electron/engine/coordinator/coordinator.ts';
import { FakeExecutor, MANUAL } from '../support/fake-executor.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { fanIn } from '../support/plans.ts';

/** The receiver's rule from shared/events.ts (EventBatch.fromSeq): what the renderer does with a batch. */
function receive(snapshot: RunSnapshot, batch: EventBatch): RunSnapshot | 'gap' {
  const from = batch.fromSeq ?? batch.events[0].seq;
  if (from > snapshot.seq + 1) return 'gap';
  let next = snapshot;
  for (const e of batch.events) {
    if (e.seq <= next.seq) continue;
    next = applyEvent(next, e);
  }
  return next;
}

/** A sink that folds what it receives and records when each batch came. */
class FoldingSink implements EventSink {
  snapshot: RunSnapshot;
  readonly times: number[] = [];
  readonly batches: EventBatch[] = [];
  gaps = 0;
  open = true;
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(start: RunSnapshot) {
    this.snapshot = structuredClone(start); // the live coordinator snapshot is updated in place
  }

  send(batch: EventBatch): void {
    this.times.push(performance.now());
    this.batches.push(batch);
    const next = receive(this.snapshot, batch);
    if (next === 'gap') this.gaps++;
    else this.snapshot = next;
    this.waiters = this.waiters.filter((w) => (batch.seq >= w.seq ? (w.resolve(), false) : true));
  }

  canSend(): boolean {
    return this.open;
  }

  /** Resolves once a batch up to `seq` has arrived. */
  reached(seq: number): Promise<void> {
    if (this.batches.at(-1) && this.batches.at(-1)!.seq >= seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }
}

const progress = (seq: number, taskId: string, done: number): JournaledEvent => ({ type: 'task.progress', at: 0, taskId, done, total: 10, seq });
const log = (seq: number, taskId: string): JournaledEvent => ({ type: 'task.log', at: 0, taskId, attempt: 1, stream: 'log', text: 'x', seq });

describe('RunOutbox', () => {
  it('keeps the last progress per task, every other event, seq order, and the range it covers', () => {
    const box = new RunOutbox('r', 10);
    box.push([progress(9, 'a', 1), progress(11, 'a', 2), progress(12, 'b', 1), progress(13, 'a', 3), log(14, 'b'), progress(15, 'b', 2)]);
    const batch = box.take()!;
    expect(batch.fromSeq).toBe(11); // seq 9 is at or before the subscriber's snapshot
    expect(batch.seq).toBe(15);
    expect(batch.events.map((e) => e.seq)).toEqual([12, 13, 14, 15]);
    expect(box.take()).toBeUndefined();
  });

  it('never coalesces progress across another event of the same task', () => {
    const box = new RunOutbox('r', 0);
    box.push([progress(1, 'a', 1), log(2, 'a'), progress(3, 'a', 2), progress(4, 'a', 3)]);
    expect(box.take()!.events.map((e) => e.seq)).toEqual([1, 2, 4]);
  });

  it('a stalled sink past the limit drops what waits and says so through fromSeq', () => {
    const box = new RunOutbox('r', 0, 3);
    box.push([log(1, 'a'), log(2, 'a'), log(3, 'a'), log(4, 'a'), log(5, 'a')]);
    const batch = box.take()!;
    expect(batch.fromSeq).toBe(4);
    expect(batch.events.map((e) => e.seq)).toEqual([4, 5]);
    expect(box.dropped).toBe(3);
  });
});

/** A run of `regions` fake regions, each reporting progress every `everyMs` for `ticks` ticks, driven by a real Coordinator. */
function progressRun(regions: number, ticks: number, everyMs: number) {
  const store = new MemoryStore();
  let reports = 0;
  const fake = new FakeExecutor({ aggregate: () => 'done' }, (req, hooks) => {
    let i = 0;
    const timer = setInterval(() => {
      i++;
      reports++;
      hooks.onProgress({ done: i, total: ticks, message: `step ${i}` });
      if (i === ticks) {
        clearInterval(timer);
        started.get(req.taskId)!.resolve({ region: req.taskId });
      }
    }, everyMs);
    hooks.signal.addEventListener('abort', () => clearInterval(timer));
    return MANUAL;
  });
  const started = { get: (id: string) => fake.attemptsOf(id).at(-1)! };
  // The journal commits progress every 10 ms here: far more often than the bridge may send.
  const coordinator = Coordinator.start(fanIn(regions), { concurrency: regions + 1, onFailure: 'wait' }, { store, executors: fake, progressIntervalMs: 10 });
  const engine = {
    onRunStarted: () => () => {},
    coordinator: (id: string) => (id === coordinator.runId ? coordinator : undefined),
    snapshot: () => coordinator.snapshot,
  } as unknown as BridgeEngine;
  return { store, coordinator, engine, reports: () => reports };
}

describe('EventBridge', () => {
  it('1,000 regions reporting progress 20x/s: at most ~30 batches/s per sink, nothing lost', async () => {
    const run = progressRun(1000, 40, 50);
    let journalBatches = 0;
    run.coordinator.subscribe(() => journalBatches++);
    const bridge = new EventBridge(run.engine);
    const a = new FoldingSink(run.coordinator.snapshot);
    const b = new FoldingSink(run.coordinator.snapshot);
    a.snapshot = structuredClone(bridge.subscribe(a, run.coordinator.runId));
    b.snapshot = structuredClone(bridge.subscribe(b, run.coordinator.runId));

    const settled = await run.coordinator.whenSettled();
    expect(settled.state).toBe('COMPLETE');
    const lastSeq = run.store.events.get(run.coordinator.runId)!.length;
    await Promise.all([a.reached(lastSeq), b.reached(lastSeq)]);

    const journaled = run.store.events.get(run.coordinator.runId)!;
    const journaledProgress = journaled.filter((e) => e.type === 'task.progress').length;
    for (const sink of [a, b]) {
      const elapsedS = (sink.times.at(-1)! - sink.times[0]) / 1000;
      const rate = (sink.batches.length - 1) / elapsedS;
      const gaps = sink.times.slice(1).map((t, i) => t - sink.times[i]);
      const forwardedProgress = sink.batches.reduce((n, bt) => n + bt.events.filter((e) => e.type === 'task.progress').length, 0);
      console.log(
        `bridge: ${sink.batches.length} batches in ${elapsedS.toFixed(2)} s = ${rate.toFixed(1)} batches/s (closest two ${Math.min(...gaps).toFixed(1)} ms); ` +
          `journal committed ${journalBatches} batches; ${run.reports()} progress reports → ${journaledProgress} journaled → ${forwardedProgress} forwarded`,
      );
      expect(rate).toBeLessThanOrEqual(31);
      // libuv timers count whole milliseconds from the start of a loop turn: allow a little under 33.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(30);
      // At 20 reports/s a task reports at most once per 33 ms window: nothing to coalesce here (see next test).
      expect(forwardedProgress).toBeLessThanOrEqual(journaledProgress);
      expect(sink.gaps).toBe(0);
      // Folding the coalesced batches gives exactly the engine's state.
      expect(sink.snapshot.seq).toBe(settled.seq);
      expect(sink.snapshot.counts).toEqual(settled.counts);
      for (const id of settled.order) expect(sink.snapshot.tasks[id]).toEqual(settled.tasks[id]);
    }
    bridge.close();
    await run.coordinator.close();
  });

  it('a sink that cannot take more gets fewer, larger batches and still folds to the same state', async () => {
    const run = progressRun(200, 20, 20);
    const bridge = new EventBridge(run.engine);
    const sink = new FoldingSink(run.coordinator.snapshot);
    sink.snapshot = structuredClone(bridge.subscribe(sink, run.coordinator.runId));
    sink.open = false;
    let held = 0;
    run.coordinator.subscribe(() => {
      // Reopen the socket after the journal committed 20 batches the sink could not take.
      if (++held === 20) sink.open = true;
    });
    const settled = await run.coordinator.whenSettled();
    await sink.reached(settled.seq);
    const journaledProgress = run.store.events.get(run.coordinator.runId)!.filter((e) => e.type === 'task.progress').length;
    const forwardedProgress = sink.batches.reduce((n, bt) => n + bt.events.filter((e) => e.type === 'task.progress').length, 0);
    console.log(`bridge, stalled sink: ${held} journal batches → ${sink.batches.length} sent; progress ${journaledProgress} journaled → ${forwardedProgress} forwarded`);
    expect(forwardedProgress).toBeLessThan(journaledProgress);
    expect(sink.batches.some((bt) => bt.events.length > 0 && bt.events.at(-1)!.seq - bt.fromSeq! + 1 > bt.events.length)).toBe(true);
    expect(sink.gaps).toBe(0);
    expect(sink.snapshot.counts).toEqual(settled.counts);
    for (const id of settled.order) expect(sink.snapshot.tasks[id]).toEqual(settled.tasks[id]);
    bridge.close();
    await run.coordinator.close();
  });

  it('batches already in the snapshot are not sent; unsubscribe and removeSink stop the flow', async () => {
    const run = progressRun(5, 3, 5);
    const bridge = new EventBridge(run.engine, { intervalMs: 5 });
    const sink = new FoldingSink(run.coordinator.snapshot);
    const start = bridge.subscribe(sink, run.coordinator.runId);
    sink.snapshot = structuredClone(start);
    const settled = await run.coordinator.whenSettled();
    await sink.reached(settled.seq);
    expect(sink.batches[0].fromSeq).toBeLessThanOrEqual(start.seq + 1);
    expect(sink.batches.every((bt) => bt.events.every((e) => e.seq > start.seq))).toBe(true);
    expect(bridge.subscriptions(sink)).toEqual([run.coordinator.runId]);
    bridge.unsubscribe(sink, run.coordinator.runId);
    expect(bridge.subscriptions(sink)).toEqual([]);
    bridge.removeSink(sink);
    bridge.close();
    await run.coordinator.close();
  });
});
