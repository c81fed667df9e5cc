import { describe, expect, it } from 'vitest';
import { applyEvent, IllegalTransitionError, replay } from '../../shared/apply-event.ts';
import type { RunEvent } from '../../shared/events.ts';
import { TASK_STATES } from '../../shared/states.ts';
import { fanIn } from '../support/plans.ts';

const created: RunEvent = { type: 'run.created', at: 1, runId: 'r', plan: fanIn(2), options: { concurrency: 2, onFailure: 'fail' } };
const start = (taskId: string, attemptId: string, attempt = 1): RunEvent[] => [
  { type: 'task.queued', at: 2, taskId },
  { type: 'attempt.started', at: 3, taskId, attemptId, attempt, slot: 0 },
];

describe('applyEvent', () => {
  it('moves a task through its states and records the whole path', () => {
    const s = replay([created, ...start('r0', 'a1'), { type: 'attempt.succeeded', at: 4, taskId: 'r0', attemptId: 'a1' }]);
    expect(s.tasks.r0.state).toBe('COMPLETE');
    expect(s.tasks.r0.history.map((h) => h.state)).toEqual(['BLOCKED', 'QUEUED', 'IN_PROGRESS', 'COMPLETE']);
    expect(s.tasks.r0.attempts).toEqual([{ attempt: 1, attemptId: 'a1', state: 'COMPLETE', slot: 0, startedAt: 3, finishedAt: 4 }]);
    expect(s.seq).toBe(4);
  });

  it('ignores a result from an attempt that is not the current one', () => {
    const s = replay([created, ...start('r0', 'a1'), { type: 'attempt.succeeded', at: 4, taskId: 'r0', attemptId: 'stale' }]);
    expect(s.tasks.r0.state).toBe('IN_PROGRESS');
  });

  it('records the remote worker on its attempt, and ignores one named for another attempt', () => {
    const worker = { name: 'w1', host: 'box', pid: 42 };
    const s = replay([
      created,
      ...start('r0', 'a1'),
      { type: 'attempt.worker', at: 4, taskId: 'r0', attemptId: 'stale', worker: { name: 'w0', host: 'old', pid: 1 } },
      { type: 'attempt.worker', at: 4, taskId: 'r0', attemptId: 'a1', worker },
      { type: 'attempt.succeeded', at: 5, taskId: 'r0', attemptId: 'a1' },
    ]);
    expect(s.tasks.r0.attempts).toEqual([{ attempt: 1, attemptId: 'a1', state: 'COMPLETE', slot: 0, startedAt: 3, finishedAt: 5, worker }]);
  });

  it('a failure with retryAt means RETRYING, without it FAILED', () => {
    const base = [created, ...start('r0', 'a1')];
    const err = { message: 'x' };
    expect(replay([...base, { type: 'attempt.failed', at: 5, taskId: 'r0', attemptId: 'a1', error: err, retryAt: 99 }]).tasks.r0).toMatchObject({ state: 'RETRYING', retryAt: 99, lastError: err });
    expect(replay([...base, { type: 'attempt.failed', at: 5, taskId: 'r0', attemptId: 'a1', error: err }]).tasks.r0.state).toBe('FAILED');
  });

  it('throws on a transition the state machine does not allow', () => {
    const done = replay([created, ...start('r0', 'a1'), { type: 'attempt.succeeded', at: 4, taskId: 'r0', attemptId: 'a1' }]);
    expect(() => applyEvent(done, { type: 'task.queued', at: 5, taskId: 'r0' })).toThrow(IllegalTransitionError);
    expect(() => applyEvent(done, { type: 'task.skipped', at: 5, taskId: 'r0', by: 'user' })).toThrow(/COMPLETE to SKIPPED/);
  });

  it('keeps counts equal to the task states after any sequence', () => {
    const s = replay([
      created,
      ...start('r0', 'a1'),
      ...start('r1', 'b1'),
      { type: 'attempt.failed', at: 5, taskId: 'r1', attemptId: 'b1', error: { message: 'x' } },
      { type: 'task.skipped', at: 6, taskId: 'r1', by: 'policy' },
      { type: 'task.reset', at: 7, taskId: 'r1', by: 'user' },
    ]);
    for (const state of TASK_STATES) expect(s.counts[state]).toBe(Object.values(s.tasks).filter((t) => t.state === state).length);
    expect(s.tasks.r1.budgetFrom).toBe(1);
  });

  it('a changed task is a new object and an unchanged one keeps its identity', () => {
    const s1 = replay([created]);
    const r1Before = s1.tasks.r1;
    const r0Before = s1.tasks.r0;
    const s2 = applyEvent(s1, { type: 'task.queued', at: 2, taskId: 'r0' });
    expect(s2.tasks.r0).not.toBe(r0Before);
    expect(s2.tasks.r1).toBe(r1Before);
    expect(r0Before.state).toBe('BLOCKED');
  });

  it('skipping a running task closes its attempt as CANCELLED', () => {
    const s = replay([created, ...start('r0', 'a1'), { type: 'task.skipped', at: 9, taskId: 'r0', by: 'user' }]);
    expect(s.tasks.r0.attempts[0]).toMatchObject({ state: 'CANCELLED', finishedAt: 9 });
    expect(s.tasks.r0.currentAttemptId).toBeUndefined();
  });
});
