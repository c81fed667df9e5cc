import { describe, expect, it } from 'vitest';
import { BootThrottle } from '../../electron/engine/executors/boot-throttle.ts';

describe('BootThrottle', () => {
  it('admits `budget` attempts beyond the ready threads, the rest as threads get ready or attempts leave', () => {
    const t = new BootThrottle(2);
    const submitted: number[] = [];
    for (let i = 0; i < 6; i++) t.admit(() => submitted.push(i));
    expect(submitted).toEqual([0, 1]);
    t.threadReady();
    expect(submitted).toEqual([0, 1, 2]);
    t.left();
    expect(submitted).toEqual([0, 1, 2, 3]);
    t.threadReady();
    t.threadReady();
    expect(submitted).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps first-come order: a new attempt never overtakes one that waits', () => {
    const t = new BootThrottle(1);
    const submitted: string[] = [];
    t.admit(() => submitted.push('a'));
    t.admit(() => submitted.push('b'));
    t.threadReady(); // room for one more: b, not a newcomer
    t.admit(() => submitted.push('c'));
    expect(submitted).toEqual(['a', 'b']);
  });

  it('withdraws an attempt that still waits (it is never submitted), and not one already in', () => {
    const t = new BootThrottle(1);
    const submitted: string[] = [];
    const withdrawA = t.admit(() => submitted.push('a'));
    const withdrawB = t.admit(() => submitted.push('b'));
    expect(withdrawB()).toBe(true);
    expect(withdrawA()).toBe(false);
    t.threadReady();
    t.threadReady();
    expect(submitted).toEqual(['a']);
  });

  it('lets everything through with an infinite budget, and nothing after close()', () => {
    const open = new BootThrottle(Infinity);
    let n = 0;
    for (let i = 0; i < 100; i++) open.admit(() => n++);
    expect(n).toBe(100);
    const closed = new BootThrottle(0);
    closed.admit(() => n++);
    closed.close();
    closed.threadReady();
    expect(n).toBe(100);
  });

  it('counts a thread that is gone: its room is not given to a waiting attempt', () => {
    const t = new BootThrottle(0);
    const submitted: number[] = [];
    t.threadReady();
    t.admit(() => submitted.push(1));
    t.threadGone();
    t.left();
    t.admit(() => submitted.push(2));
    expect(submitted).toEqual([1]);
  });
});
