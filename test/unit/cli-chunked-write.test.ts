import { describe, expect, it } from 'vitest';
import { writeJson, writeLines } from '../../electron/cli/output/chunked-write.ts';

// The CLI's big outputs are written in pieces (a big run's report is tens of MB), with the same text as whole.

function written(value: unknown): { text: string; pieces: number } {
  const pieces: string[] = [];
  writeJson(value, (t) => pieces.push(t));
  return { text: pieces.join(''), pieces: pieces.length };
}

describe('writeJson', () => {
  it('writes what JSON.stringify(value, null, 2) does, plus a newline', () => {
    const big = Array.from({ length: 500 }, (_, i) => ({
      id: `r-${i}`,
      state: i % 7 === 0 ? 'FAILED' : 'COMPLETE',
      attempts: [{ attempt: 1, error: i % 7 === 0 ? { message: 'bad\nline "quoted"', code: 'E' } : undefined, startedAt: '2026-12-01T00:00:00.000Z' }],
      output: i % 3 === 0 ? { records: i, nested: { deep: [1, 2, { x: null }] } } : undefined,
      skip: () => 1,
    }));
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i % 2 ? [i] : { v: i, u: undefined }]));
    const values: unknown[] = [
      { runId: 'x', tasks: big, result: wide, missing: [], empty: {}, nothing: null, sym: Symbol('s') },
      big,
      [undefined, () => 0, ...big.slice(0, 70)],
      wide,
      { tasks: [] },
      'text',
      42,
      null,
      [],
      { date: new Date(0), list: Array.from({ length: 80 }, (_, i) => new Date(i)) },
    ];
    for (const v of values) expect(written(v).text).toBe(`${JSON.stringify(v, null, 2)}\n`);
  });

  it('writes a big report in pieces of about 64 KB', () => {
    const tasks = Array.from({ length: 20_000 }, (_, i) => ({ id: `region-${i}`, state: 'COMPLETE', attempts: [{ attempt: 1 }] }));
    const { text, pieces } = written({ tasks });
    expect(pieces).toBeGreaterThan(text.length / (128 * 1024));
    expect(JSON.parse(text)).toEqual({ tasks });
  });
});

describe('writeLines', () => {
  it('writes each line and a newline, in pieces, from any iterable', () => {
    const pieces: string[] = [];
    function* lines() {
      for (let i = 0; i < 30_000; i++) yield `[r-${i}] r-${i}: BLOCKED -> QUEUED -> IN_PROGRESS -> COMPLETE`;
    }
    writeLines(lines(), (t) => pieces.push(t));
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.join('')).toBe(`${[...lines()].join('\n')}\n`);
    const none: string[] = [];
    writeLines([], (t) => none.push(t));
    expect(none).toEqual([]);
  });
});
