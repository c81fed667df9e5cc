import { deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Coordinator } from '../../electron/engine/coordinator/coordinator.ts';
import { ERROR_CODES } from '../../shared/errors.ts';
import type { EventBatch } from '../../shared/events.ts';
import { FakeExecutor, MANUAL } from '../support/fake-executor.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { fanIn, makePlan } from '../support/plans.ts';
import { unpackOutputs } from '../../electron/engine/worker/packed-outputs.ts';
import type { AttemptRequest } from '../../electron/engine/executors/executor.ts';

/** The upstream outputs an attempt was handed, keyed by task id. */
const upstreamOf = (req: AttemptRequest): Record<string, Uint8Array> => Object.fromEntries(req.upstream ? unpackOutputs(req.upstream) : []);

function setup(executor: FakeExecutor, store = new MemoryStore()) {
  return { store, deps: { store, executors: executor, progressIntervalMs: 5 } };
}
const fail = (message: string) => () => {
  throw Object.assign(new Error(message), { code: 'BOOM' });
};
const states = (c: Coordinator) => Object.fromEntries(Object.values(c.snapshot.tasks).map((t) => [t.id, t.state]));
const tick = () => new Promise((r) => setImmediate(r));

describe('Coordinator scheduling', () => {
  it('starts the aggregate only after every region completed, and hands it their outputs', async () => {
    const ex = new FakeExecutor({ aggregate: (req) => Object.keys(upstreamOf(req)).sort() });
    const { deps, store } = setup(ex);
    const c = Coordinator.start(fanIn(3), { concurrency: 2, onFailure: 'fail' }, deps);
    const done = await c.whenSettled();
    expect(done.state).toBe('COMPLETE');
    const order = ex.started.map((a) => a.req.taskId);
    expect(order.indexOf('aggregate')).toBe(3);
    const agg = ex.attemptsOf('aggregate')[0];
    expect(Object.keys(upstreamOf(agg.req)).sort()).toEqual(['r0', 'r1', 'r2']);
    expect(deserialize(upstreamOf(agg.req).r1)).toEqual({ id: 'r1' });
    expect(deserialize(store.outputs.get(`${c.runId}/aggregate`)!)).toEqual(['r0', 'r1', 'r2']);
    expect(done.tasks.aggregate.history.map((h) => h.state)).toEqual(['BLOCKED', 'QUEUED', 'IN_PROGRESS', 'COMPLETE']);
  });

  it('never runs more than `concurrency` attempts, and a free slot is filled at once', async () => {
    const ex = new FakeExecutor({}, 'manual');
    const { deps } = setup(ex);
    const c = Coordinator.start(fanIn(5), { concurrency: 2, onFailure: 'fail' }, deps);
    expect(ex.started.map((a) => a.req.taskId)).toEqual(['r0', 'r1']);
    ex.started[1].resolve('r1 done'); // r0 is still running: r2 must not wait for it
    await tick();
    expect(ex.started.map((a) => a.req.taskId)).toEqual(['r0', 'r1', 'r2']);
    expect(states(c).r0).toBe('IN_PROGRESS');
    for (let i = 0; i < 20 && c.snapshot.state === 'RUNNING'; i++) {
      for (const a of ex.started) a.resolve('ok');
      await tick();
    }
    expect(ex.maxRunning).toBe(2);
    expect(c.snapshot.state).toBe('COMPLETE');
  });

  it('forecasts the queued attempts that start next, per isolation level, and nothing once the queue is empty', async () => {
    const ex = new FakeExecutor({}, 'manual');
    const { deps } = setup(ex);
    const plan = makePlan([
      { id: 'a', isolation: 'thread' },
      { id: 'b', isolation: 'thread' },
      { id: 'c', isolation: 'process' },
      { id: 'd', isolation: 'thread' },
      { id: 'e', isolation: 'pooled' },
      { id: 'f', isolation: 'thread' },
    ]);
    const c = Coordinator.start(plan, { concurrency: 2, onFailure: 'fail' }, deps);
    // a and b run; of the queue c d e f, the next two (as many as the run's concurrency) are c and d.
    expect(ex.forecasts).toEqual([{ thread: 1, pooled: 0, process: 1 }]);
    ex.started[0].resolve('a done');
    await tick();
    expect(ex.forecasts.at(-1)).toEqual({ thread: 1, pooled: 1, process: 0 }); // c started: d e next
    for (let i = 0; i < 20 && c.snapshot.state === 'RUNNING'; i++) {
      for (const a of ex.started) a.resolve('ok');
      await tick();
    }
    expect(c.snapshot.state).toBe('COMPLETE');
    expect(ex.forecasts.at(-1)).toEqual({ thread: 0, pooled: 0, process: 0 });
    // Sent only when it changed.
    for (let i = 1; i < ex.forecasts.length; i++) expect(ex.forecasts[i]).not.toEqual(ex.forecasts[i - 1]);
  });

  it('retries a failing attempt with exponential backoff and keeps every attempt with its error', async () => {
    const ex = new FakeExecutor({ r0: fail('disk on fire') });
    const { deps } = setup(ex);
    const c = Coordinator.start(makePlan([{ id: 'r0', retries: 2, backoffMs: 20, maxBackoffMs: 1000 }]), { concurrency: 1, onFailure: 'fail' }, deps);
    const done = await c.whenSettled();
    const t = done.tasks.r0;
    expect(t.state).toBe('FAILED');
    expect(t.attempts.map((a) => a.state)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(t.attempts[0].error).toMatchObject({ message: 'disk on fire', code: 'BOOM' });
    expect(t.attempts[0].error?.stack).toContain('disk on fire');
    const gap1 = t.attempts[1].startedAt - t.attempts[0].finishedAt!;
    const gap2 = t.attempts[2].startedAt - t.attempts[1].finishedAt!;
    expect(gap1).toBeGreaterThanOrEqual(19);
    expect(gap2).toBeGreaterThanOrEqual(39);
    expect(t.history.map((h) => h.state)).toContain('RETRYING');
  });

  it('succeeds on a later attempt without failing the run', async () => {
    let calls = 0;
    const ex = new FakeExecutor({ r0: () => (++calls < 3 ? fail('flaky')() : 'third time') });
    const { deps } = setup(ex);
    const done = await Coordinator.start(makePlan([{ id: 'r0', retries: 2 }]), { concurrency: 1, onFailure: 'fail' }, deps).whenSettled();
    expect(done.state).toBe('COMPLETE');
    expect(done.tasks.r0.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
  });

  it('times out a hung attempt, counts it as failed, and discards its late result', async () => {
    const ex = new FakeExecutor({ r0: () => MANUAL }, 'manual');
    const { deps, store } = setup(ex);
    const c = Coordinator.start(makePlan([{ id: 'r0', retries: 0, timeoutMs: 30 }]), { concurrency: 1, onFailure: 'fail' }, deps);
    const done = await c.whenSettled();
    expect(done.tasks.r0.state).toBe('FAILED');
    expect(done.tasks.r0.lastError?.code).toBe(ERROR_CODES.TIMEOUT);
    ex.started[0].resolve('too late');
    await tick();
    expect(c.snapshot.tasks.r0.state).toBe('FAILED');
    expect(store.outputs.has(`${c.runId}/r0`)).toBe(false);
  });
});

describe('Coordinator and a broken executor', () => {
  it('an executor that throws instead of rejecting fails the attempt; the run still settles', async () => {
    const store = new MemoryStore();
    const broken = {
      get: () => ({
        kind: 'thread' as const,
        execute: () => {
          throw Object.assign(new Error('the worker entry file does not exist'), { code: ERROR_CODES.WORKER_CRASHED });
        },
        close: async () => {},
      }),
    };
    const done = await Coordinator.start(fanIn(2, { retries: 1 }), { concurrency: 2, onFailure: 'fail' }, { store, executors: broken }).whenSettled();
    expect(done.state).toBe('FAILED');
    expect(done.tasks.r0.attempts.map((a) => a.error?.code)).toEqual([ERROR_CODES.WORKER_CRASHED, ERROR_CODES.WORKER_CRASHED]);
  });
});

describe('Coordinator failure policies', () => {
  it('fail: downstream becomes UPSTREAM_FAILED, independent regions still complete, the run FAILS', async () => {
    const ex = new FakeExecutor({ r1: fail('bad row') });
    const { deps } = setup(ex);
    const done = await Coordinator.start(fanIn(3, { retries: 0 }), { concurrency: 2, onFailure: 'fail' }, deps).whenSettled();
    expect(done.state).toBe('FAILED');
    expect(done.tasks.r0.state).toBe('COMPLETE');
    expect(done.tasks.r2.state).toBe('COMPLETE');
    expect(done.tasks.r1.state).toBe('FAILED');
    expect(done.tasks.aggregate.state).toBe('UPSTREAM_FAILED');
    expect(ex.attemptsOf('aggregate')).toHaveLength(0);
  });

  it('skip: the failed region is SKIPPED, the aggregate runs with it listed as missing, the run is PARTIAL', async () => {
    const ex = new FakeExecutor({ r1: fail('bad row'), aggregate: (req) => ({ got: Object.keys(upstreamOf(req)).sort(), missing: req.missing }) });
    const { deps } = setup(ex);
    const done = await Coordinator.start(fanIn(3, { retries: 0 }), { concurrency: 2, onFailure: 'skip' }, deps).whenSettled();
    expect(done.state).toBe('PARTIAL');
    expect(done.tasks.r1.state).toBe('SKIPPED');
    const agg = ex.attemptsOf('aggregate')[0].req;
    expect(Object.keys(upstreamOf(agg)).sort()).toEqual(['r0', 'r2']);
    expect(agg.missing.r1).toMatchObject({ message: 'bad row' });
  });

  it('wait: the run NEEDS_ATTENTION with the aggregate BLOCKED, then a skip lets it finish PARTIAL', async () => {
    const ex = new FakeExecutor({ r1: fail('bad row') });
    const { deps } = setup(ex);
    const c = Coordinator.start(fanIn(3, { retries: 0 }), { concurrency: 2, onFailure: 'wait' }, deps);
    const waiting = await c.whenSettled();
    expect(waiting.state).toBe('NEEDS_ATTENTION');
    expect(waiting.tasks.aggregate.state).toBe('BLOCKED');
    const preview = c.skip('r1');
    expect(preview.affected).toEqual(['r1', 'aggregate']);
    const done = await c.whenSettled();
    expect(done.state).toBe('PARTIAL');
    expect(done.tasks.aggregate.state).toBe('COMPLETE');
  });
});

describe('Coordinator manual controls', () => {
  it('retry runs the task and its downstream again, never its siblings', async () => {
    let r1Calls = 0;
    const ex = new FakeExecutor({ r1: () => (++r1Calls === 1 ? fail('once')() : 'fixed') });
    const { deps } = setup(ex);
    const c = Coordinator.start(fanIn(3, { retries: 0 }), { concurrency: 2, onFailure: 'fail' }, deps);
    expect((await c.whenSettled()).state).toBe('FAILED');
    const preview = c.retry('r1');
    expect(preview.affected).toEqual(['r1', 'aggregate']);
    const done = await c.whenSettled();
    expect(done.state).toBe('COMPLETE');
    expect(ex.attemptsOf('r0')).toHaveLength(1);
    expect(ex.attemptsOf('r2')).toHaveLength(1);
    expect(ex.attemptsOf('r1').map((a) => a.req.attempt)).toEqual([1, 2]);
    expect(ex.attemptsOf('aggregate')).toHaveLength(1);
  });

  it('retrying a skipped region re-runs the aggregate that completed without it', async () => {
    let r0Calls = 0;
    const ex = new FakeExecutor({ r0: () => (++r0Calls === 1 ? fail('once')() : 'ok'), aggregate: (req) => Object.keys(upstreamOf(req)).length });
    const { deps, store } = setup(ex);
    const c = Coordinator.start(fanIn(2, { retries: 0 }), { concurrency: 1, onFailure: 'skip' }, deps);
    expect((await c.whenSettled()).state).toBe('PARTIAL');
    c.retry('r0');
    const done = await c.whenSettled();
    expect(done.state).toBe('COMPLETE');
    expect(deserialize(store.outputs.get(`${c.runId}/aggregate`)!)).toBe(2);
  });

  it('refuses controls that make no sense, with a stable code', async () => {
    const ex = new FakeExecutor();
    const { deps } = setup(ex);
    const c = Coordinator.start(fanIn(1), { concurrency: 1, onFailure: 'fail' }, deps);
    await c.whenSettled();
    expect(() => c.retry('r0')).toThrow(expect.objectContaining({ code: ERROR_CODES.INVALID_CONTROL }));
    expect(() => c.skip('nope')).toThrow(expect.objectContaining({ code: ERROR_CODES.TASK_NOT_FOUND }));
  });

  it('cancel aborts a running attempt; its result is discarded when it arrives', async () => {
    const ex = new FakeExecutor({}, 'manual');
    const { deps, store } = setup(ex);
    const c = Coordinator.start(fanIn(2, { retries: 3 }), { concurrency: 2, onFailure: 'wait' }, deps);
    const first = ex.attemptsOf('r0')[0];
    c.cancel('r0');
    expect(first.hooks.signal.aborted).toBe(true);
    first.resolve('late');
    ex.attemptsOf('r1')[0].resolve('ok');
    const settled = await c.whenSettled();
    expect(settled.state).toBe('NEEDS_ATTENTION');
    expect(settled.tasks.r0.state).toBe('CANCELLED');
    expect(settled.tasks.r0.attempts[0].state).toBe('CANCELLED');
    expect(store.outputs.has(`${c.runId}/r0`)).toBe(false);
    expect(ex.attemptsOf('r0')).toHaveLength(1); // a cancel is not retried automatically
  });

  it('cancelRun aborts everything and records CANCELLED; resume runs only what did not complete', async () => {
    const ex = new FakeExecutor({}, 'manual');
    const { deps, store } = setup(ex);
    const c = Coordinator.start(fanIn(3), { concurrency: 2, onFailure: 'fail' }, deps);
    ex.attemptsOf('r0')[0].resolve('r0 done');
    await tick();
    c.cancelRun();
    expect(c.snapshot.state).toBe('CANCELLED');
    expect(states(c)).toMatchObject({ r0: 'COMPLETE', r1: 'CANCELLED', r2: 'CANCELLED', aggregate: 'CANCELLED' });
    await c.close();

    const ex2 = new FakeExecutor();
    const resumed = Coordinator.resume(c.runId, { store, executors: ex2 });
    const done = await resumed.whenSettled();
    expect(done.state).toBe('COMPLETE');
    expect(ex2.started.map((a) => a.req.taskId).sort()).toEqual(['aggregate', 'r1', 'r2']);
  });
});

describe('Coordinator durability', () => {
  it('a resumed run re-runs in-flight attempts and keeps completed outputs', async () => {
    const ex = new FakeExecutor({}, 'manual');
    const store = new MemoryStore();
    const c = Coordinator.start(fanIn(3), { concurrency: 2, onFailure: 'fail' }, { store, executors: ex });
    const r0Committed = new Promise<void>((resolve) =>
      c.subscribe((b) => b.events.some((e) => e.type === 'attempt.succeeded' && e.taskId === 'r0') && resolve()),
    );
    ex.attemptsOf('r0')[0].resolve({ n: 0 });
    await r0Committed;
    // The process "dies" here: no close, no events for the attempt still running.
    const ex2 = new FakeExecutor({ aggregate: (req) => Object.keys(upstreamOf(req)).sort() });
    const resumed = Coordinator.resume(c.runId, { store, executors: ex2 });
    const done = await resumed.whenSettled();
    expect(done.state).toBe('COMPLETE');
    expect(ex2.started.map((a) => a.req.taskId)).toEqual(['r1', 'r2', 'aggregate']);
    expect(done.tasks.r1.attempts.map((a) => a.state)).toEqual(['INTERRUPTED', 'COMPLETE']);
    expect(deserialize(upstreamOf(ex2.attemptsOf('aggregate')[0].req).r0)).toEqual({ n: 0 });
  });

  it('subscribers only see events that are already in the store, in gap-free order', async () => {
    const ex = new FakeExecutor();
    const store = new MemoryStore();
    const batches: EventBatch[] = [];
    const c = Coordinator.start(fanIn(4), { concurrency: 2, onFailure: 'fail' }, { store, executors: ex });
    c.subscribe((b) => {
      expect(store.events.get(b.runId)!.length).toBeGreaterThanOrEqual(b.seq);
      batches.push(b);
    });
    await c.whenSettled();
    const seqs = batches.flatMap((b) => b.events.map((e) => e.seq));
    expect(seqs[0]).toBeGreaterThan(1);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    expect(store.appends).toBeLessThan(ex.started.length * 3); // completions share commits
  });

  it('coalesces progress: many reports become a few journaled events with the last value', async () => {
    const ex = new FakeExecutor({
      r0: async (_req, hooks) => {
        for (let i = 1; i <= 1000; i++) hooks.onProgress({ done: i, total: 1000 });
        await new Promise((r) => setTimeout(r, 20));
        return 'ok';
      },
    });
    const store = new MemoryStore();
    const c = Coordinator.start(makePlan([{ id: 'r0' }]), { concurrency: 1, onFailure: 'fail' }, { store, executors: ex, progressIntervalMs: 5 });
    await c.whenSettled();
    const progress = store.events.get(c.runId)!.filter((e) => e.type === 'task.progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThan(10);
    expect(progress.at(-1)).toMatchObject({ done: 1000, total: 1000 });
  });
});
