import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvent, replay } from '../../shared/apply-event.ts';
import type { JournaledEvent, RunEvent } from '../../shared/events.ts';
import { DEFAULT_TASK_SETTINGS, type JobPlan } from '../../shared/job-schema.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { TASK_STATES, type TaskState } from '../../shared/states.ts';
import type { CoordinatorStore } from '../../electron/engine/coordinator/coordinator.ts';
import { currentOwner, processStartTicks } from '../../electron/engine/store/liveness.ts';
import { RunStore } from '../../electron/engine/store/run-store.ts';
import { SQL } from '../../electron/engine/store/statements.ts';
import type { OwnerLivenessCheck } from '../../electron/engine/store/types.ts';

type RunCreated = Extract<RunEvent, { type: 'run.created' }>;

// Compile-time: the coordinator is written against this store's API.
const _fitsCoordinator: (s: RunStore) => CoordinatorStore = (s) => s;
void _fitsCoordinator;

function plan(taskIds: string[], name = 'job'): JobPlan {
  return {
    name,
    file: `/jobs/${name}.yaml`,
    tasks: taskIds.map((id) => ({ ...DEFAULT_TASK_SETTINGS, id, name: id, processor: `/p/${id}.mjs`, input: {}, blockedBy: [] })),
  };
}

function created(runId: string, taskIds = ['a', 'b', 'c'], at = 1_000, name = 'job'): RunCreated {
  return { type: 'run.created', at, runId, plan: plan(taskIds, name), options: { concurrency: 2, onFailure: 'fail' } };
}

function log(taskId: string, attempt: number, text: string, stream: 'stdout' | 'stderr' | 'log' = 'stdout'): RunEvent {
  return { type: 'task.log', at: 2_000, taskId, attempt, stream, text };
}

function counts(partial: Partial<Record<TaskState, number>>): Record<TaskState, number> {
  return { ...(Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>), ...partial };
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);
const me = () => ({ pid: process.pid, host: hostname() });

let dir: string;
const open: RunStore[] = [];
function openStore(opts?: { isOwnerAlive?: OwnerLivenessCheck }): RunStore {
  const s = RunStore.open(dir, opts);
  open.push(s);
  return s;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dproc-store-'));
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('RunStore journal', () => {
  it('numbers events consecutively from 1 across appends, without gaps', () => {
    const store = openStore();
    expect(store.createRun(created('r1')).seq).toBe(1);
    const first = store.append('r1', [log('a', 1, 'x'), log('a', 1, 'y'), { type: 'task.queued', at: 3, taskId: 'a' }]);
    const second = store.append('r1', [log('b', 1, 'z'), log('b', 1, 'w')]);
    expect(first.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(second.map((e) => e.seq)).toEqual([5, 6]);
    expect(store.readEvents('r1').map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.readEvents('r1', 4).map((e) => e.seq)).toEqual([5, 6]);
    expect(store.getRunSummary('r1').lastSeq).toBe(6);
  });

  it('keeps a separate seq counter per run', () => {
    const store = openStore();
    store.createRun(created('r1'));
    store.createRun(created('r2'));
    store.append('r1', [log('a', 1, '1')]);
    store.append('r2', [log('a', 1, '1'), log('a', 1, '2')]);
    store.append('r1', [log('a', 1, '2')]);
    expect(store.readEvents('r1').map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(store.readEvents('r2').map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('stores events exactly as given, with their seq', () => {
    const store = openStore();
    const c = created('r1');
    store.createRun(c);
    const e: RunEvent = { type: 'attempt.failed', at: 5, taskId: 'a', attemptId: 'x1', error: { message: 'boom', code: 'E' }, retryAt: 99 };
    store.append('r1', [e]);
    expect(store.readEvents('r1')).toEqual([{ ...c, seq: 1 }, { ...e, seq: 2 }]);
  });

  it('leaves neither events nor outputs behind when an output in the append cannot be stored', () => {
    const store = openStore();
    store.createRun(created('r1'));
    const bad = { taskId: 'b', attemptId: 'b1', bytes: 'not bytes' as unknown as Uint8Array };
    expect(() =>
      store.append('r1', [log('a', 1, 'lost'), log('b', 1, 'lost')], [{ taskId: 'a', attemptId: 'a1', bytes: bytes('A') }, bad]),
    ).toThrow();
    expect(store.readEvents('r1').map((e) => e.seq)).toEqual([1]);
    expect(store.getOutput('r1', 'a')).toBeUndefined();
    expect(store.getRunSummary('r1').lastSeq).toBe(1);
    // The failed append consumed no seq numbers.
    expect(store.append('r1', [log('a', 1, 'kept')])[0].seq).toBe(2);
  });

  it('leaves neither events nor outputs behind when the summary update fails after them', () => {
    const store = openStore();
    store.createRun(created('r1'));
    const unserialisable = { ...counts({}), BLOCKED: 10n as unknown as number }; // JSON.stringify throws on BigInt
    expect(() =>
      store.append('r1', [log('a', 1, 'lost')], [{ taskId: 'a', attemptId: 'a1', bytes: bytes('A') }], {
        state: 'RUNNING',
        counts: unserialisable,
      }),
    ).toThrow(/BigInt/);
    expect(store.readEvents('r1')).toHaveLength(1);
    expect(store.getOutput('r1', 'a')).toBeUndefined();
    expect(store.getRunSummary('r1').counts.BLOCKED).toBe(3);
  });

  it('drops the output of a task that is reset, unless it completes again after the reset', () => {
    const store = openStore();
    store.createRun(created('r1'));
    const done = (taskId: string, attemptId: string): RunEvent => ({ type: 'attempt.succeeded', at: 2_000, taskId, attemptId });
    const reset = (taskId: string): RunEvent => ({ type: 'task.reset', at: 2_000, taskId, by: 'user' });
    store.append('r1', [done('a', 'a1'), done('b', 'b1')], [{ taskId: 'a', attemptId: 'a1', bytes: bytes('A') }, { taskId: 'b', attemptId: 'b1', bytes: bytes('B') }]);
    store.append('r1', [reset('a')]);
    expect(store.getOutput('r1', 'a')).toBeUndefined();
    // In one batch: b completes again and is then reset (no output); c is reset, then completes (output).
    store.append('r1', [done('b', 'b2'), reset('b'), reset('c'), done('c', 'c1')], [
      { taskId: 'b', attemptId: 'b2', bytes: bytes('B2') },
      { taskId: 'c', attemptId: 'c1', bytes: bytes('C') },
    ]);
    expect(store.getOutput('r1', 'b')).toBeUndefined();
    expect(text(store.getOutput('r1', 'c'))).toBe('C');
  });

  it('keeps one current output per task: a later append replaces it', () => {
    const store = openStore();
    store.createRun(created('r1'));
    store.append('r1', [], [{ taskId: 'a', attemptId: 'a1', bytes: bytes('first') }]);
    store.append('r1', [], [{ taskId: 'a', attemptId: 'a2', bytes: bytes('second') }, { taskId: 'b', attemptId: 'b1', bytes: bytes('B') }]);
    expect(text(store.getOutput('r1', 'a'))).toBe('second');
    const got = store.getOutputs('r1', ['a', 'b', 'c']);
    expect([...got.keys()].sort()).toEqual(['a', 'b']);
    expect(text(got.get('b'))).toBe('B');
    expect(store.getOutput('r1', 'c')).toBeUndefined();
    expect(store.getOutputs('r1', []).size).toBe(0);
  });

  it('refuses to append to an unknown run with DPROC_E_RUN_NOT_FOUND naming the id', () => {
    const store = openStore();
    expect(() => store.append('nope', [log('a', 1, 'x')])).toThrow(expect.objectContaining({ code: 'DPROC_E_RUN_NOT_FOUND', message: expect.stringContaining('"nope"') }));
    expect(() => store.getRunSummary('nope')).toThrow(expect.objectContaining({ code: 'DPROC_E_RUN_NOT_FOUND', message: expect.stringContaining('"nope"') }));
    expect(() => store.loadSnapshot('nope')).toThrow(expect.objectContaining({ code: 'DPROC_E_RUN_NOT_FOUND' }));
    expect(() => store.readEvents('nope')).toThrow(expect.objectContaining({ code: 'DPROC_E_RUN_NOT_FOUND' }));
    expect(store.hasRun('nope')).toBe(false);
  });

  it('refuses a second run with the same id and run.created inside append', () => {
    const store = openStore();
    store.createRun(created('r1'));
    expect(() => store.createRun(created('r1'))).toThrow(/already exists/);
    expect(() => store.append('r1', [created('r1')])).toThrow(/createRun/);
    expect(store.readEvents('r1')).toHaveLength(1);
  });
});

describe('RunStore snapshots', () => {
  /** A small but real run: success with output, retry after failure, skip, logs, progress, final state. */
  function lifecycle(): RunEvent[] {
    return [
      { type: 'run.started', at: 1_001, pid: process.pid, host: hostname(), resumed: false },
      { type: 'task.queued', at: 1_002, taskId: 'a' },
      { type: 'task.queued', at: 1_002, taskId: 'b' },
      { type: 'attempt.started', at: 1_003, taskId: 'a', attemptId: 'a1', attempt: 1, slot: 0 },
      { type: 'attempt.started', at: 1_003, taskId: 'b', attemptId: 'b1', attempt: 1, slot: 1 },
      { type: 'task.progress', at: 1_004, taskId: 'a', done: 5, total: 10, message: 'half' },
      log('a', 1, 'working'),
      { type: 'attempt.succeeded', at: 1_005, taskId: 'a', attemptId: 'a1' },
      { type: 'attempt.failed', at: 1_006, taskId: 'b', attemptId: 'b1', error: { message: 'boom' }, retryAt: 1_100 },
      { type: 'task.queued', at: 1_100, taskId: 'b' },
      { type: 'attempt.started', at: 1_101, taskId: 'b', attemptId: 'b2', attempt: 2, slot: 1 },
      { type: 'attempt.succeeded', at: 1_102, taskId: 'b', attemptId: 'b2' },
      { type: 'task.skipped', at: 1_103, taskId: 'c', by: 'user' },
      { type: 'run.state', at: 1_104, state: 'COMPLETE' },
    ];
  }

  it('rebuilds the same snapshot the coordinator folded in memory, also after reopening the file', () => {
    const store = openStore();
    let inMemory: RunSnapshot = applyEvent(null, store.createRun(created('r1')));
    const events = lifecycle();
    // Two appends, as a coordinator would commit ticks.
    for (const chunk of [events.slice(0, 7), events.slice(7)]) {
      for (const e of store.append('r1', chunk)) inMemory = applyEvent(inMemory, e);
    }
    const loaded = store.loadSnapshot('r1');
    expect(loaded.state).toBe('COMPLETE');
    expect(loaded.tasks.b.attempts).toHaveLength(2);
    expect(loaded).toEqual(inMemory);
    store.close();

    const reopened = openStore();
    expect(reopened.loadSnapshot('r1')).toEqual(loaded);
    expect(reopened.loadSnapshot('r1')).toEqual(replay(reopened.readEvents('r1')));
  });

  it('iterates the journal in the same order readEvents returns it', () => {
    const store = openStore();
    store.createRun(created('r1'));
    store.append('r1', lifecycle());
    expect([...store.iterateEvents('r1')]).toEqual(store.readEvents('r1'));
    expect([...store.iterateEvents('r1', 10)].map((e) => e.seq)).toEqual([11, 12, 13, 14, 15]);
  });
});

describe('RunStore logs', () => {
  it('returns one task\'s log lines, filtered by attempt, after a seq and limited', () => {
    const store = openStore();
    store.createRun(created('r1'));
    store.append('r1', [
      log('a', 1, 'a1-first'), // seq 2
      log('b', 1, 'b1-only'), // 3
      { type: 'task.progress', at: 2, taskId: 'a', done: 1 }, // 4: not a log line
      log('a', 1, 'a1-second', 'stderr'), // 5
      log('a', 2, 'a2-first'), // 6
      log('a', 2, 'a2-second'), // 7
    ]);
    expect(store.getLogs('r1', 'a').map((l) => l.text)).toEqual(['a1-first', 'a1-second', 'a2-first', 'a2-second']);
    expect(store.getLogs('r1', 'a', { attempt: 1 })).toEqual([
      { seq: 2, at: 2_000, attempt: 1, stream: 'stdout', text: 'a1-first' },
      { seq: 5, at: 2_000, attempt: 1, stream: 'stderr', text: 'a1-second' },
    ]);
    expect(store.getLogs('r1', 'a', { attempt: 2, limit: 1 }).map((l) => l.seq)).toEqual([6]);
    expect(store.getLogs('r1', 'a', { afterSeq: 5 }).map((l) => l.seq)).toEqual([6, 7]);
    expect(store.getLogs('r1', 'b').map((l) => l.text)).toEqual(['b1-only']);
    expect(store.getLogs('r1', 'c')).toEqual([]);
  });

  it.each([
    ['selectLogs', ['r1', 'a', 0, -1]],
    ['selectLogsOfAttempt', ['r1', 'a', 0, 1, -1]],
  ] as const)('answers %s from the log index, not by walking the run\'s journal', (name, params) => {
    const store = openStore();
    store.createRun(created('r1'));
    store.append('r1', Array.from({ length: 200 }, (_, i) => log(i % 2 ? 'a' : 'b', 1, String(i))));
    const db = new DatabaseSync(store.path);
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${SQL[name]}`).all(...params) as { detail: string }[];
      expect(plan.map((r) => r.detail).join('\n')).toMatch(/SEARCH events USING INDEX events_logs \(run_key=\? AND task_id=\? AND seq>\?\)/);
    } finally {
      db.close();
    }
  });
});

describe('RunStore history', () => {
  it('lists runs newest first with their cached state, counts and task count', () => {
    const store = openStore();
    store.createRun(created('old', ['a'], 1_000, 'first'));
    store.createRun(created('new', ['a', 'b', 'c', 'd'], 3_000, 'third'));
    store.createRun(created('mid', ['a', 'b'], 2_000, 'second'));
    store.claimRun('new', me());
    store.append('new', [{ type: 'task.queued', at: 3_001, taskId: 'a' }], [], { state: 'RUNNING', counts: counts({ BLOCKED: 3, QUEUED: 1 }) });
    store.append('mid', [{ type: 'run.state', at: 2_500, state: 'FAILED' }], [], {
      state: 'FAILED',
      counts: counts({ FAILED: 1, UPSTREAM_FAILED: 1 }),
      finishedAt: 2_500,
    });

    const runs = store.listRuns();
    expect(runs.map((r) => r.runId)).toEqual(['new', 'mid', 'old']);
    expect(runs[0]).toMatchObject({ jobName: 'third', jobFile: '/jobs/third.yaml', state: 'RUNNING', taskCount: 4, createdAt: 3_000 });
    expect(runs[0].counts).toEqual(counts({ BLOCKED: 3, QUEUED: 1 }));
    expect(runs[0].finishedAt).toBeUndefined();
    expect(runs[1]).toMatchObject({ state: 'FAILED', finishedAt: 2_500, taskCount: 2 });
    expect(runs[1].counts).toEqual(counts({ FAILED: 1, UPSTREAM_FAILED: 1 }));
    expect(runs[2].counts).toEqual(counts({ BLOCKED: 1 }));
    expect(store.listRuns({ limit: 2 }).map((r) => r.runId)).toEqual(['new', 'mid']);
    expect(store.getRunSummary('mid')).toEqual(runs[1]);
  });
});

describe('RunStore ownership', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  /** A real process that has exited (and been reaped): its pid is free. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.once('exit', r));
    return child.pid!;
  }

  /** A real process that stays alive until the test ends. */
  async function livePid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    return child.pid!;
  }

  it('shows a run whose owner pid now belongs to a later process (a recycled pid) as INTERRUPTED, and lets it be claimed', async () => {
    const store = openStore();
    store.createRun(created('r1'));
    const pid = await livePid();
    // As recorded by an owner that started before the process that has this pid now.
    store.claimRun('r1', { pid, host: hostname(), started: processStartTicks(pid)! - 1 });
    expect(store.getRunSummary('r1').state).toBe('INTERRUPTED');
    store.claimRun('r1', currentOwner());
    expect(store.getRunSummary('r1').owner).toEqual({ pid: process.pid, host: hostname(), started: processStartTicks(process.pid) });
  });

  it('opens a store of the first schema (no owner start time) and keeps its runs', () => {
    const first = openStore();
    first.createRun(created('r1'));
    first.close();
    const db = new DatabaseSync(join(dir, 'dproc.db'));
    db.exec('ALTER TABLE runs DROP COLUMN owner_started; PRAGMA user_version = 1;');
    db.close();
    const store = openStore();
    expect(store.listRuns().map((r) => r.runId)).toEqual(['r1']);
    store.claimRun('r1', me());
    expect(store.getRunSummary('r1').owner).toMatchObject({ pid: process.pid });
  });

  it('shows a RUNNING run whose owner process has exited as INTERRUPTED, without writing it', async () => {
    const store = openStore();
    store.createRun(created('r1'));
    const pid = await deadPid();
    store.claimRun('r1', { pid, host: hostname() });
    expect(store.loadSnapshot('r1').state).toBe('INTERRUPTED');
    expect(store.getRunSummary('r1').state).toBe('INTERRUPTED');
    expect(store.listRuns()[0].state).toBe('INTERRUPTED');
    // Derived, not stored: once a live process claims it, the journal's own state shows again.
    store.claimRun('r1', me());
    expect(store.loadSnapshot('r1').state).toBe('RUNNING');
  });

  it('shows a run whose owner process is alive as RUNNING', async () => {
    const store = openStore();
    store.createRun(created('r1'));
    store.claimRun('r1', { pid: await livePid(), host: hostname() });
    expect(store.loadSnapshot('r1').state).toBe('RUNNING');
    expect(store.getRunSummary('r1').state).toBe('RUNNING');
  });

  it('shows a live run that nobody owns (released or never claimed) as INTERRUPTED', () => {
    const store = openStore();
    store.createRun(created('r1'));
    store.claimRun('r1', me());
    expect(store.getRunSummary('r1').state).toBe('RUNNING');
    expect(store.releaseRun('r1')).toBe(true);
    expect(store.getRunSummary('r1').state).toBe('INTERRUPTED');
  });

  it('never reports a finished run as INTERRUPTED, even when its owner is gone', async () => {
    const store = openStore();
    store.createRun(created('r1'));
    store.claimRun('r1', me());
    store.append('r1', [{ type: 'run.state', at: 5, state: 'COMPLETE' }], [], { state: 'COMPLETE', counts: counts({}), finishedAt: 5 });
    store.releaseRun('r1');
    store.claimRun('r1', { pid: await deadPid(), host: hostname() });
    expect(store.loadSnapshot('r1').state).toBe('COMPLETE');
    expect(store.getRunSummary('r1').state).toBe('COMPLETE');
  });

  it('refuses to claim, or append to, a run a live foreign process owns, naming its pid', async () => {
    const store = openStore();
    store.createRun(created('r1'));
    const pid = await livePid();
    store.claimRun('r1', { pid, host: hostname() });
    const active = expect.objectContaining({ code: 'DPROC_E_RUN_ACTIVE', message: expect.stringContaining(`pid ${pid}`) });
    expect(() => store.claimRun('r1', me())).toThrow(active);
    expect(() => store.append('r1', [log('a', 1, 'x')])).toThrow(active);
    expect(store.readEvents('r1')).toHaveLength(1);
  });

  it('lets a process take over a run whose owner is dead, and the same owner claim again', async () => {
    const store = openStore();
    store.createRun(created('r1'));
    store.claimRun('r1', { pid: await deadPid(), host: hostname() });
    store.claimRun('r1', me());
    store.claimRun('r1', me());
    expect(store.getRunSummary('r1').owner).toEqual(me());
    expect(store.append('r1', [log('a', 1, 'x')])[0].seq).toBe(2);
  });

  it('treats an owner on another host as alive: it cannot be checked from here', () => {
    const store = openStore();
    store.createRun(created('r1'));
    store.claimRun('r1', { pid: 1, host: 'some-other-host' });
    expect(store.getRunSummary('r1').state).toBe('RUNNING');
    expect(() => store.claimRun('r1', me())).toThrow(expect.objectContaining({ code: 'DPROC_E_RUN_ACTIVE' }));
  });

  it('releases only the caller\'s own claim', async () => {
    const store = openStore();
    store.createRun(created('r1'));
    const pid = await livePid();
    store.claimRun('r1', { pid, host: hostname() });
    expect(store.releaseRun('r1')).toBe(false);
    expect(store.getRunSummary('r1').owner).toEqual({ pid, host: hostname() });
    expect(store.releaseRun('r1', { pid, host: hostname() })).toBe(true);
    expect(store.getRunSummary('r1').owner).toBeUndefined();
  });

  it('asks the injected liveness check, so a claim can be tested without real processes', () => {
    const asked: number[] = [];
    const store = openStore({ isOwnerAlive: (o) => (asked.push(o.pid), false) });
    store.createRun(created('r1'));
    store.claimRun('r1', { pid: 424242, host: hostname() });
    expect(store.getRunSummary('r1').state).toBe('INTERRUPTED');
    store.claimRun('r1', me());
    expect(asked).toContain(424242);
  });
});

describe('RunStore at scale', () => {
  // Speed is measured by `npm run bench` (journal row), not here: shared machines make timed tests flaky.
  it('keeps 100,000 events appended in 1,000-event batches gap-free and readable', () => {
    const store = openStore();
    store.createRun(created('r1', Array.from({ length: 100 }, (_, i) => `t${i}`)));
    const summary = { state: 'RUNNING' as const, counts: counts({ IN_PROGRESS: 100 }) };
    let last: JournaledEvent[] = [];
    for (let b = 0; b < 100; b++) {
      const batch: RunEvent[] = Array.from({ length: 1_000 }, (_, i) => log(`t${i % 100}`, 1, `batch ${b} line ${i}`));
      last = store.append('r1', batch, [], summary);
    }
    expect(last[last.length - 1].seq).toBe(100_001);
    const seqs = store.readEvents('r1').map((e) => e.seq);
    expect(seqs.length).toBe(100_001);
    expect(seqs.every((s, i) => s === i + 1)).toBe(true);
  });
});
