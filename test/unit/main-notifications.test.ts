import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { TASK_STATES, type RunState, type TaskState } from '../../shared/states.ts';
import type { AppShell, TaskbarProgress } from '../../electron/main/app-shell.ts';
import { RunNotifier, runNotice } from '../../electron/main/notifications.ts';

// No electron import here: the notifier talks to the OS through AppShell, so a fake shell is enough.

/** A coordinator stand-in whose snapshot the test edits, then announces with a batch. */
class FakeRun {
  readonly runId: string;
  snapshot: RunSnapshot;
  private listener: ((b: EventBatch) => void) | undefined;
  unsubscribed = false;
  constructor(runId: string, tasks: number) {
    this.runId = runId;
    const counts = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
    counts.QUEUED = tasks;
    this.snapshot = { runId, jobName: 'sales', state: 'RUNNING', order: Array.from({ length: tasks }, (_, i) => `t${i}`), counts } as unknown as RunSnapshot;
  }
  subscribe(listener: (b: EventBatch) => void): () => void {
    this.listener = listener;
    return () => {
      this.unsubscribed = true;
    };
  }
  /** Moves `n` tasks from QUEUED to `to`, optionally changing the run state, and emits a batch. */
  advance(n: number, to: TaskState, state?: RunState): void {
    this.snapshot.counts.QUEUED -= n;
    this.snapshot.counts[to] += n;
    const events: EventBatch['events'] = [];
    if (state) {
      this.snapshot.state = state;
      events.push({ type: 'run.state', at: 0, state: state as Exclude<RunState, 'INTERRUPTED'>, seq: 1 });
    }
    this.listener?.({ runId: this.runId, seq: 1, events });
  }
}

let started: (c: FakeRun) => void;
const engine = {
  onRunStarted: (l: (c: never) => void) => {
    started = l as unknown as (c: FakeRun) => void;
    return () => {};
  },
};
const win = { focused: false, isFocused: () => win.focused, isDestroyed: () => false };
const progress: TaskbarProgress[] = [];
const notify = vi.fn<AppShell['notify']>();
const focusWindow = vi.fn();

function newNotifier(): RunNotifier {
  return new RunNotifier({
    engine,
    shell: { notify, setProgress: (_w, p) => progress.push(p) },
    window: () => win as never,
    focusWindow,
  });
}

beforeEach(() => {
  progress.length = 0;
  notify.mockClear();
  focusWindow.mockClear();
  win.focused = false;
});

describe('taskbar progress', () => {
  it('shows settled tasks over all tasks while a run is RUNNING, and clears when it ends', () => {
    newNotifier();
    const run = new FakeRun('r1', 4);
    started(run);
    expect(progress.at(-1)).toEqual({ fraction: 0, mode: 'normal' });
    run.advance(1, 'COMPLETE');
    expect(progress.at(-1)).toEqual({ fraction: 0.25, mode: 'normal' });
    run.advance(3, 'COMPLETE', 'COMPLETE');
    expect(progress.at(-1)).toBeNull();
    expect(run.unsubscribed).toBe(true);
  });

  it('is paused while a run waits for a person', () => {
    newNotifier();
    const run = new FakeRun('r1', 2);
    started(run);
    run.advance(1, 'FAILED', 'NEEDS_ATTENTION');
    expect(progress.at(-1)).toEqual({ fraction: 0.5, mode: 'paused' });
  });

  it('does not call into the OS when the rounded value did not change', () => {
    newNotifier();
    const run = new FakeRun('r1', 1000);
    started(run);
    const before = progress.length;
    for (let i = 0; i < 9; i++) run.advance(1, 'COMPLETE');
    expect(progress.length).toBe(before);
    run.advance(1, 'COMPLETE');
    expect(progress.at(-1)).toEqual({ fraction: 0.01, mode: 'normal' });
  });
});

describe('system notifications', () => {
  it('notifies when a run ends while the window is not focused; a click focuses the window', () => {
    newNotifier();
    const run = new FakeRun('r1', 2);
    started(run);
    run.advance(2, 'COMPLETE', 'COMPLETE');
    expect(notify).toHaveBeenCalledTimes(1);
    expect(notify.mock.calls[0][0]).toBe('Run complete');
    notify.mock.calls[0][2]!();
    expect(focusWindow).toHaveBeenCalled();
  });

  it('notifies when a run needs attention', () => {
    newNotifier();
    const run = new FakeRun('r1', 3);
    started(run);
    run.advance(1, 'FAILED', 'NEEDS_ATTENTION');
    expect(notify.mock.calls[0].slice(0, 2)).toEqual(['Run needs attention', 'sales: 1 failed; retry or skip them to continue.']);
  });

  it('stays quiet while the window is focused, and for a cancel the user made', () => {
    newNotifier();
    win.focused = true;
    const a = new FakeRun('a', 1);
    started(a);
    a.advance(1, 'COMPLETE', 'COMPLETE');
    win.focused = false;
    const b = new FakeRun('b', 1);
    started(b);
    b.advance(1, 'CANCELLED', 'CANCELLED');
    expect(notify).not.toHaveBeenCalled();
  });

  it('words every final state', () => {
    const s = new FakeRun('r', 4).snapshot;
    s.counts = { ...s.counts, QUEUED: 0, COMPLETE: 2, SKIPPED: 1, FAILED: 1 };
    const titles = (['COMPLETE', 'PARTIAL', 'FAILED', 'NEEDS_ATTENTION', 'CANCELLED', 'RUNNING'] as RunState[]).map((state) => runNotice({ ...s, state })?.title);
    expect(titles).toEqual(['Run complete', 'Run finished with gaps', 'Run failed', 'Run needs attention', undefined, undefined]);
  });
});
