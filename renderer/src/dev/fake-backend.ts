/**
 * The fake engine behind the whole contract: every command, plus every run's batches. No DOM: the dev
 * carrier (fake-carrier.ts) uses it in the page, and a throw-away WebSocket server can use it on Node.
 */
import type { DprocApi } from '../../../shared/contract.ts';
import type { EventBatch } from '../../../shared/events.ts';
import { ApiCallError } from '../api/errors.ts';
import { FakeRun, TICK_MS } from './fake-engine.ts';
import { FAKE_JOBS, fakeOutput, previewOf } from './fake-jobs.ts';

export interface FakeBackend {
  /** The contract's commands; subscribe/unsubscribe only answer (the caller decides who gets batches). */
  api: Omit<DprocApi, 'onEvents'>;
  /** Every batch of every run, every 50 ms. */
  onAnyBatch(listener: (batch: EventBatch) => void): () => void;
}

export function createFakeBackend(): FakeBackend {
  const runs = new Map<string, FakeRun>();
  const listeners = new Set<(batch: EventBatch) => void>();
  let runCounter = 0;

  const newRunId = () => `run-${Date.now().toString(36)}-${++runCounter}`;
  const job = (path: string) => {
    const j = FAKE_JOBS.find((k) => k.entry.path === path);
    if (!j) throw new ApiCallError('DPROC_E_JOB_NOT_FOUND', `${path}: no such job file`);
    return j;
  };
  const run = (runId: string) => {
    const r = runs.get(runId);
    if (!r) throw new ApiCallError('DPROC_E_RUN_NOT_FOUND', `no run "${runId}"`);
    return r;
  };
  const later = <T>(value: () => T, ms = 60): Promise<T> =>
    new Promise((resolve, reject) => setTimeout(() => {
      try {
        resolve(value());
      } catch (err) {
        reject(err);
      }
    }, ms));

  function start(path: string, concurrency?: number, onFailure?: 'fail' | 'skip' | 'wait', at = Date.now()): FakeRun {
    const j = job(path);
    if (!j.plan) throw new ApiCallError('DPROC_E_JOB_SCHEMA', `${path}: the job is not valid`);
    const r = new FakeRun(newRunId(), j.plan, j, onFailure ?? 'wait', concurrency ?? j.plan.concurrency ?? 4, at);
    runs.set(r.runId, r);
    return r;
  }

  // History to look at: a finished partial run and an interrupted one.
  {
    const t0 = Date.now() - 3 * 3600_000;
    const past = start(FAKE_JOBS[0].entry.path, undefined, 'wait', t0);
    let now = past.fastForward(t0, (r) => r.snapshot.state !== 'RUNNING');
    past.control('skip', 'region-13', now);
    now = past.fastForward(now, (r) => r.snapshot.state !== 'RUNNING');
    const t1 = Date.now() - 3600_000;
    const cut = start(FAKE_JOBS[2].entry.path, undefined, 'wait', t1);
    cut.fastForward(t1, (r) => r.snapshot.counts.COMPLETE > 25);
    cut.interrupted = true;
    cut.takeBatch();
    past.takeBatch();
  }

  setInterval(() => {
    const now = Date.now();
    for (const r of runs.values()) {
      r.step(now);
      const batch = r.takeBatch();
      if (batch) for (const l of listeners) l(batch);
    }
  }, TICK_MS);

  const api: FakeBackend['api'] = {
    listJobs: () => later(() => ({ jobs: FAKE_JOBS.map((j) => j.entry) })),
    validateJob: (req) =>
      later(() => {
        const j = job(req.path);
        return j.plan ? { ok: true as const, preview: previewOf(j.plan, req.concurrency, req.onFailure) } : { ok: false as const, problems: j.problems ?? [] };
      }, 150),
    startRun: (req) => later(() => ({ runId: start(req.path, req.concurrency, req.onFailure).runId })),
    listRuns: (req) =>
      later(() => ({
        runs: [...runs.values()]
          .map((r) => r.summary())
          .sort((a, b) => b.createdAt - a.createdAt)
          .slice(0, req.limit ?? 100),
      })),
    getSnapshot: (req) => later(() => ({ snapshot: run(req.runId).view() })),
    previewControl: (req) => later(() => run(req.runId).preview(req.action, req.taskId)),
    retryTask: (req) => later(() => run(req.runId).control('retry', req.taskId, Date.now())),
    skipTask: (req) => later(() => run(req.runId).control('skip', req.taskId, Date.now())),
    cancelTask: (req) => later(() => run(req.runId).control('cancel', req.taskId, Date.now())),
    retryAllFailed: (req) =>
      later(() => {
        const r = run(req.runId);
        const failed = r.snapshot.order.filter((id) => r.snapshot.tasks[id].state === 'FAILED');
        for (const id of failed) r.control('retry', id, Date.now());
        return { retried: failed };
      }),
    cancelRun: (req) =>
      later(() => {
        run(req.runId).cancelRun(Date.now());
        return { ok: true as const };
      }),
    resumeRun: (req) =>
      later(() => {
        run(req.runId).resume(Date.now());
        return { runId: req.runId };
      }),
    getTaskLogs: (req) =>
      later(() => ({
        lines: run(req.runId)
          .events.filter((e) => e.type === 'task.log' && e.taskId === req.taskId && e.seq > (req.afterSeq ?? 0))
          .map((e) => (e.type === 'task.log' ? { seq: e.seq, at: e.at, attempt: e.attempt, stream: e.stream, text: e.text } : null!))
          .slice(-(req.limit ?? 1000)),
      })),
    getTaskOutput: (req) =>
      later(() => {
        const s = run(req.runId).snapshot;
        if (s.tasks[req.taskId]?.state !== 'COMPLETE') return {};
        const regions = s.order.filter((id) => s.tasks[id].group);
        return {
          output: fakeOutput(
            req.taskId,
            regions.filter((id) => s.tasks[id].state === 'COMPLETE'),
            regions.filter((id) => s.tasks[id].state !== 'COMPLETE'),
          ),
        };
      }),
    subscribe: (req) => later(() => ({ snapshot: run(req.runId).view() })),
    unsubscribe: (req) =>
      later(() => {
        run(req.runId);
        return { ok: true as const };
      }),
  };

  return {
    api,
    onAnyBatch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
