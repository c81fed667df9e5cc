import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SideBatch } from '../../electron/engine/worker/protocol.ts';
import { AttemptReporter } from '../../electron/engine/worker/reporter.ts';

describe('AttemptReporter', () => {
  let sent: SideBatch[];
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
  });
  afterEach(() => vi.useRealTimers());

  const limits = { flushMs: 50, maxLines: 5, maxLineChars: 20 };

  it('sends nothing while the attempt is shorter than one interval: everything rides with the outcome', () => {
    const reporter = new AttemptReporter('a1', (batch) => sent.push(batch), limits);
    reporter.progress({ done: 1 });
    reporter.log('log', 'hello');
    const { tail, sent: count } = reporter.finish();
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([]);
    expect(count).toBe(0);
    expect(tail).toEqual({ logs: [['log', 'hello']], progress: { done: 1 } });
  });

  it('coalesces progress to the last value per interval and counts the batches it sent', () => {
    const reporter = new AttemptReporter('a1', (batch) => sent.push(batch), limits);
    for (let i = 1; i <= 100; i++) reporter.progress({ done: i, total: 200 });
    vi.advanceTimersByTime(50);
    for (let i = 101; i <= 150; i++) reporter.progress({ done: i, total: 200 });
    vi.advanceTimersByTime(50);
    reporter.progress({ done: 200, total: 200 });
    const { tail, sent: count } = reporter.finish();
    expect(sent).toEqual([
      { dproc: 'batch', attemptId: 'a1', logs: [], progress: { done: 100, total: 200 } },
      { dproc: 'batch', attemptId: 'a1', logs: [], progress: { done: 150, total: 200 } },
    ]);
    expect(count).toBe(2);
    expect(tail.progress).toEqual({ done: 200, total: 200 });
  });

  it('keeps the first maxLines lines, then one truncation line, and cuts overlong lines', () => {
    const reporter = new AttemptReporter('a1', (batch) => sent.push(batch), limits);
    reporter.log('stdout', 'x'.repeat(30));
    for (let i = 0; i < 10; i++) reporter.log('log', `line ${i}`);
    const { tail } = reporter.finish();
    expect(tail.logs).toHaveLength(6);
    expect(tail.logs[0]).toEqual(['stdout', `${'x'.repeat(20)}… [line truncated]`]);
    expect(tail.logs[4]).toEqual(['log', 'line 3']);
    expect(tail.logs[5][1]).toMatch(/log truncated: more than 5 lines/);
  });

  it('ignores reports made after the attempt finished (a stray timer of the processor)', () => {
    const reporter = new AttemptReporter('a1', (batch) => sent.push(batch), limits);
    reporter.finish();
    reporter.log('log', 'late');
    reporter.progress({ done: 9 });
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([]);
  });
});
