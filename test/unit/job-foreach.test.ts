import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadJob, loadJobSync, sanitiseIdPart } from '../../electron/engine/job/index.ts';
import { DprocError, ERROR_CODES } from '../../shared/errors.ts';
import { TASK_ID_PATTERN } from '../../shared/job-schema.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dproc-foreach-'));
  writeFileSync(join(dir, 'noop.mjs'), 'export default () => null;\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Creates empty files (and their folders) under the temp dir. */
function touch(...names: string[]): void {
  for (const name of names) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), '');
  }
}

/** Writes a one-task job whose foreach is `foreach` (YAML flow text) and returns its path. */
function job(foreach: string, extra = ''): string {
  const file = join(dir, 'job.yaml');
  writeFileSync(file, `name: f\ntasks:\n  - id: region\n    processor: ./noop.mjs\n    foreach: ${foreach}\n${extra}`);
  return file;
}

const ids = (file: string): string[] => loadJobSync(file).tasks.map((t) => t.id);

function loadError(file: string): DprocError {
  try {
    loadJobSync(file);
  } catch (err) {
    return err as DprocError;
  }
  throw new Error('expected the job to be rejected');
}

describe('foreach files', () => {
  it('sorts matches by code unit, so the order does not depend on the locale or the file system', () => {
    touch('data/b.csv', 'data/B.csv', 'data/a10.csv', 'data/a2.csv', 'data/a1.csv');
    expect(ids(job('{ files: "data/*.csv" }'))).toEqual([
      'region-B', 'region-a1', 'region-a10', 'region-a2', 'region-b',
    ]);
  });

  it('gives each expansion the absolute file path, over any file key of the task input', () => {
    touch('data/a.csv');
    const plan = loadJobSync(job('{ files: "data/*.csv" }', '    input: { file: stale, sep: ";" }\n'));
    expect(plan.tasks[0].input).toEqual({ file: join(dir, 'data/a.csv'), sep: ';' });
  });

  it('matches recursively with ** and by character class with [..]', () => {
    touch('data/a.csv', 'data/sub/deep/b.csv', 'data/c.csv', 'data/d.txt');
    expect(ids(job('{ files: "data/**/*.csv" }'))).toEqual(['region-a', 'region-c', 'region-b']);
    expect(ids(job('{ files: "data/[ab].csv" }'))).toEqual(['region-a']);
    expect(ids(job('{ files: "data/?.{csv,txt}" }'))).toEqual(['region-a', 'region-c', 'region-d']);
  });

  it('leaves out directories and dot files, and follows symlinks to files', () => {
    touch('data/a.csv', 'data/.hidden.csv', 'elsewhere/real.csv');
    mkdirSync(join(dir, 'data/folder.csv'));
    symlinkSync(join(dir, 'elsewhere/real.csv'), join(dir, 'data/linked.csv'));
    expect(ids(job('{ files: "data/*.csv" }'))).toEqual(['region-a', 'region-linked']);
  });

  it('reports a pattern that matches only directories as matching nothing', () => {
    mkdirSync(join(dir, 'data/only-a-dir.csv'), { recursive: true });
    expect(loadError(job('{ files: "data/*.csv" }')).code).toBe(ERROR_CODES.FOREACH_EMPTY);
  });

  it('turns characters an id cannot hold into "_" and keeps the real path in the input', () => {
    touch('data/new york (2024).csv', 'data/zürich.csv');
    const plan = loadJobSync(job('{ files: "data/*.csv" }'));
    expect(plan.tasks.map((t) => [t.id, t.name, (t.input as { file: string }).file])).toEqual([
      ['region-new_york_2024_', 'region-new_york_2024_', join(dir, 'data/new york (2024).csv')],
      ['region-z_rich', 'region-z_rich', join(dir, 'data/zürich.csv')],
    ]);
  });

  it('reports two files with the same base name as a duplicate id naming both files', () => {
    touch('data/a.csv', 'data/a.json');
    const err = loadError(job('{ files: "data/*" }'));
    expect(err.code).toBe(ERROR_CODES.DUPLICATE_ID);
    expect(err.message).toContain('the id "region-a" made for file "data/a.json" is already used by tasks[0] (id "region") for file "data/a.csv"');
  });

  it('expands the same way asynchronously', async () => {
    touch('data/x.csv', 'data/sub/y.csv', 'data/.z.csv');
    const file = job('{ files: "data/**/*.csv" }');
    expect(await loadJob(file)).toEqual(loadJobSync(file));
  });
});

describe('foreach values', () => {
  it('makes one task per value with input.value and the foreach task name as a prefix of each name', () => {
    const plan = loadJobSync(job('{ values: [eu, "new york", 7] }', '    name: Region\n    input: { year: 2024 }\n'));
    expect(plan.tasks.map((t) => [t.id, t.name, t.input, t.group])).toEqual([
      ['region-eu', 'Region-eu', { year: 2024, value: 'eu' }, 'region'],
      ['region-new_york', 'Region-new york', { year: 2024, value: 'new york' }, 'region'],
      ['region-7', 'Region-7', { year: 2024, value: 7 }, 'region'],
    ]);
  });

  it('reports values that give the same id as a duplicate id', () => {
    const err = loadError(job('{ values: [1, "1"] }'));
    expect(err.code).toBe(ERROR_CODES.DUPLICATE_ID);
    expect(err.message).toContain('the id "region-1" made for value "1" is already used by tasks[0] (id "region") for value 1');
  });

  it('rejects an empty list of values as a schema problem', () => {
    const err = loadError(job('{ values: [] }'));
    expect(err.code).toBe(ERROR_CODES.JOB_SCHEMA);
    expect(err.message).toContain('tasks[0] (id "region"): foreach.values: expected a non-empty list, got an empty list');
  });

  it('rejects a value that is neither a string nor a number', () => {
    const err = loadError(job('{ values: [eu, true] }'));
    expect(err.message).toContain('foreach.values[1]: expected a string or a number, got true');
  });
});

describe('sanitiseIdPart', () => {
  it('always yields a valid task id part and keeps valid ones unchanged', () => {
    for (const s of ['a b', 'a/b\\c', 'ünï', '😀', 'tab\there', '', '...', 'ok-1.2_x']) {
      expect(`t-${sanitiseIdPart(s)}`).toMatch(TASK_ID_PATTERN);
    }
    expect(sanitiseIdPart('ok-1.2_x')).toBe('ok-1.2_x');
    expect(sanitiseIdPart('a  /  b')).toBe('a_b');
  });
});
