import { describe, expect, it } from 'vitest';
import { replay } from '../../shared/apply-event.ts';
import type { JournaledEvent, RunEvent } from '../../shared/events.ts';
import { LiveView } from '../../electron/cli/output/live-view.ts';
import { fanIn } from '../support/plans.ts';

function fakeTerminal(columns: number, rows: number) {
  let text = '';
  return { columns, rows, write: (s: string) => ((text += s), true), text: () => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '') };
}

const events: RunEvent[] = [
  { type: 'run.created', at: 1, runId: 'r', plan: fanIn(3), options: { concurrency: 2, onFailure: 'fail' } },
  { type: 'task.queued', at: 2, taskId: 'r0' },
  { type: 'task.queued', at: 2, taskId: 'r1' },
  { type: 'attempt.started', at: 3, taskId: 'r0', attemptId: 'a', attempt: 1, slot: 0 },
  { type: 'attempt.started', at: 3, taskId: 'r1', attemptId: 'b', attempt: 1, slot: 1 },
  { type: 'task.progress', at: 4, taskId: 'r0', done: 5, total: 10, message: 'step 5/10' },
];
const journaled = events.map((e, i) => ({ ...e, seq: i + 1 }) as JournaledEvent);

describe('LiveView (dproc run on a terminal)', () => {
  it('shows the overall bar and a bar per running task, even where the terminal reports no size', () => {
    const term = fakeTerminal(0, 0);
    const view = new LiveView(replay(journaled.slice(0, 1)), term as unknown as NodeJS.WriteStream);
    view.onBatch({ runId: 'r', seq: 6, events: journaled.slice(1) });
    view.onBatch({
      runId: 'r',
      seq: 7,
      events: [{ type: 'attempt.failed', at: 5, taskId: 'r1', attemptId: 'b', error: { message: 'boom' }, retryAt: 205, seq: 7 }],
    });
    view.stop();
    const out = term.text();
    expect(out).toContain('[r1] r1: attempt 1 failed: boom (retrying in 200 ms)');
    expect(out).toMatch(/Overall .* 0\/4 tasks · 1 running/);
    expect(out).toContain('[r0] r0 ████████████░░░░░░░░░░░░ 50% step 5/10');
    expect(out).toContain('[r1] r1 ░░░░░░░░░░░░░░░░░░░░░░░░ waiting to retry');
  });
});
