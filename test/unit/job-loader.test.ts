import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadJob, loadJobSync } from '../../electron/engine/job/index.ts';
import { DEFAULT_TASK_SETTINGS } from '../../shared/job-schema.ts';
import { DprocError, DprocErrors, ERROR_CODES, type ErrorCode } from '../../shared/errors.ts';

const FIXTURES = 'test/fixtures/jobs';
const fixture = (name: string): string => join(FIXTURES, name);
const abs = (name: string): string => resolve(FIXTURES, name);
const NOOP = abs('processors/noop.mjs');

/** Loads a file that must fail, and returns what it threw. */
function loadError(file: string, opts?: Parameters<typeof loadJobSync>[1]): DprocError {
  try {
    loadJobSync(file, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(DprocError);
    return err as DprocError;
  }
  throw new Error(`expected ${file} to be rejected`);
}

interface BadCase {
  file: string;
  code: ErrorCode;
  /** Fragments the message must contain, in addition to the file path it starts with. */
  fragments: string[];
  location?: { taskId?: string; field?: string; line?: number; column?: number };
}

const BAD: BadCase[] = [
  {
    file: 'bad-yaml-syntax.yaml',
    code: ERROR_CODES.JOB_SYNTAX,
    fragments: [':4:16: YAML syntax error:', 'Nested mappings'],
    location: { line: 4, column: 16 },
  },
  {
    file: 'bad-json-syntax.json',
    code: ERROR_CODES.JOB_SYNTAX,
    fragments: [':4:56: JSON syntax error:', 'trailing comma'],
    location: { line: 4, column: 56 },
  },
  {
    file: 'bad-wrong-type.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['tasks[1] (id "region-b"): retries: expected an integer from 0 to 100, got "two"'],
    location: { taskId: 'region-b', field: 'retries', line: 7, column: 14 },
  },
  {
    file: 'bad-unknown-top-key.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['yaml: unknown key "concurency"', 'did you mean "concurrency"'],
    location: { field: 'concurency', line: 2, column: 1 },
  },
  {
    file: 'bad-unknown-task-key.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['tasks[0] (id "a"): unknown key "retires"', 'did you mean "retries"'],
    location: { taskId: 'a', field: 'retires', line: 5, column: 5 },
  },
  {
    file: 'bad-duplicate-ids.yaml',
    code: ERROR_CODES.DUPLICATE_ID,
    fragments: ['tasks[1] (id "a"): id: duplicate id "a", already used by tasks[0]'],
    location: { taskId: 'a', field: 'id', line: 5, column: 9 },
  },
  {
    file: 'bad-unknown-blockedby.yaml',
    code: ERROR_CODES.UNKNOWN_DEPENDENCY,
    fragments: ['tasks[1] (id "aggregate"): blockedBy: unknown task "regoin"', 'did you mean "region"'],
    location: { taskId: 'aggregate', field: 'blockedBy', line: 7, column: 25 },
  },
  {
    file: 'bad-cycle.yaml',
    code: ERROR_CODES.CYCLE,
    fragments: ['cycle in blockedBy: a -> b -> a'],
    location: { taskId: 'a', field: 'blockedBy', line: 5, column: 16 },
  },
  {
    file: 'bad-missing-processor.yaml',
    code: ERROR_CODES.PROCESSOR_NOT_FOUND,
    fragments: ['tasks[1] (id "combine"): processor: file not found', abs('processors/missing.mjs')],
    location: { taskId: 'combine', field: 'processor', line: 6, column: 16 },
  },
  {
    file: 'bad-processor-extension.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['tasks[0] (id "a"): processor: expected a .js, .mjs or .ts module', '"./processors/summarize.py"'],
    location: { taskId: 'a', field: 'processor' },
  },
  {
    file: 'bad-foreach-empty.yaml',
    code: ERROR_CODES.FOREACH_EMPTY,
    fragments: ['tasks[0] (id "region"): foreach.files: pattern "data/*.parquet" matched no files'],
    location: { taskId: 'region', field: 'foreach.files', line: 5, column: 23 },
  },
  {
    file: 'bad-missing-tasks.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['yaml: tasks: missing (expected a non-empty list)'],
    location: { field: 'tasks' },
  },
  {
    file: 'bad-invalid-id.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['yaml: tasks[1]: id: must contain only letters, digits', 'got "region a"'],
    location: { field: 'id', line: 5, column: 9 },
  },
  {
    file: 'bad-isolation.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['tasks[0] (id "a"): isolation: expected one of "thread", "pooled" or "process", got "fork"'],
    location: { taskId: 'a', field: 'isolation', line: 7, column: 16 },
  },
  {
    file: 'bad-empty.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['the job file is empty'],
  },
  {
    file: 'bad-foreach-input.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['tasks[0] (id "region"): input: expected a mapping', 'got "just-a-string"'],
    location: { taskId: 'region', field: 'input' },
  },
  {
    file: 'bad-foreach-shape.yaml',
    code: ERROR_CODES.JOB_SCHEMA,
    fragments: ['tasks[0] (id "region"): foreach: expected a mapping with "files" or a mapping with "values"'],
    location: { taskId: 'region', field: 'foreach' },
  },
  {
    file: 'bad-expansion-collision.yaml',
    code: ERROR_CODES.DUPLICATE_ID,
    fragments: ['tasks[1] (id "region"): foreach: the id "region-eu" made for value "eu" is already used by tasks[0]'],
    location: { taskId: 'region' },
  },
];

describe('loadJobSync on malformed job files', () => {
  it.each(BAD)('rejects $file with $code, naming the file, task and field', ({ file, code, fragments, location }) => {
    const err = loadError(fixture(file));
    expect(err.code).toBe(code);
    expect(err.message.startsWith(fixture(file))).toBe(true);
    for (const fragment of fragments) expect(err.message).toContain(fragment);
    expect(err.location.file).toBe(fixture(file));
    if (location) expect(err.location).toMatchObject(location);
  });

  it('labels a task without a valid id by its index alone', () => {
    const err = loadError(fixture('bad-invalid-id.yaml'));
    expect(err.message).not.toContain('(id ');
    expect(err.location).not.toHaveProperty('taskId');
  });

  it('reports every schema problem of a file at once, each with its own location', () => {
    const err = loadError(fixture('bad-several.yaml'));
    expect(err).toBeInstanceOf(DprocErrors);
    const messages = (err as DprocErrors).errors.map((e) => e.message);
    expect(messages).toEqual([
      `${fixture('bad-several.yaml')}: defaults.timeoutMs: expected a positive integer, got 0`,
      `${fixture('bad-several.yaml')}: tasks[0] (id "a"): retries: expected an integer from 0 to 100, got -1`,
      `${fixture('bad-several.yaml')}: tasks[1]: isolation: expected one of "thread", "pooled" or "process", got "fork"`,
      `${fixture('bad-several.yaml')}: tasks[1]: id: missing (expected a string)`,
    ]);
    expect((err as DprocErrors).errors.map((e) => e.location.line)).toEqual([3, 7, 9, 8]);
    expect(err.code).toBe(ERROR_CODES.JOB_SCHEMA);
  });

  it('rejects a missing job file with DPROC_E_JOB_NOT_FOUND naming the path', () => {
    const err = loadError(fixture('no-such-job.yaml'));
    expect(err.code).toBe(ERROR_CODES.JOB_NOT_FOUND);
    expect(err.message).toBe(`${fixture('no-such-job.yaml')}: job file not found (${abs('no-such-job.yaml')})`);
  });

  it('rejects a job file whose extension is neither YAML nor JSON', () => {
    const err = loadError(fixture('processors/noop.mjs'));
    expect(err.code).toBe(ERROR_CODES.USAGE);
    expect(err.message).toContain('.yaml, .yml or .json');
  });

  it('rejects option overrides that the job file itself would not accept', () => {
    const err = loadError(fixture('good-defaults.yaml'), { concurrency: 0, onFailure: 'retry' as never });
    expect(err).toBeInstanceOf(DprocErrors);
    expect(err.code).toBe(ERROR_CODES.USAGE);
    expect(err.message).toContain('concurrency (option): expected an integer from 1 to 1024, got 0');
    expect(err.message).toContain('onFailure (option): expected one of "fail", "skip" or "wait", got "retry"');
  });

  it('rejects with the same error asynchronously', async () => {
    await expect(loadJob(fixture('bad-cycle.yaml'))).rejects.toMatchObject({
      code: ERROR_CODES.CYCLE,
      message: `${fixture('bad-cycle.yaml')}: cycle in blockedBy: a -> b -> a`,
    });
    await expect(loadJob(fixture('bad-foreach-empty.yaml'))).rejects.toMatchObject({ code: ERROR_CODES.FOREACH_EMPTY });
    await expect(loadJob(fixture('no-such-job.yaml'))).rejects.toMatchObject({ code: ERROR_CODES.JOB_NOT_FOUND });
  });
});

describe('loadJobSync on valid job files', () => {
  it('applies built-in defaults < job defaults < task keys, per key', () => {
    const plan = loadJobSync(fixture('good-defaults.yaml'));
    expect(plan).toMatchObject({ name: 'good-defaults', file: abs('good-defaults.yaml'), concurrency: 2, onFailure: 'wait' });
    expect(plan.tasks).toEqual([
      {
        ...DEFAULT_TASK_SETTINGS,
        id: 'overrides',
        name: 'Overrides some',
        processor: NOOP,
        input: { n: 1 },
        blockedBy: [],
        retries: 0,
        timeoutMs: 1000,
        memoryLimitMb: 512,
        isolation: 'process',
      },
      {
        ...DEFAULT_TASK_SETTINGS,
        id: 'inherits',
        name: 'inherits',
        processor: NOOP,
        input: undefined,
        blockedBy: ['overrides'],
        retries: 5,
        timeoutMs: 1000,
        isolation: 'process',
      },
    ]);
  });

  it('reads JSON job files and fills every setting from the built-in defaults', () => {
    const plan = loadJobSync(fixture('good-builtin-defaults.json'));
    expect(plan.tasks).toEqual([
      { ...DEFAULT_TASK_SETTINGS, id: 'only', name: 'only', processor: NOOP, input: [1, 'two', null], blockedBy: [] },
    ]);
    expect(plan).not.toHaveProperty('concurrency');
    expect(plan).not.toHaveProperty('onFailure');
  });

  it('expands foreach files and values into sorted tasks with their inputs and group', () => {
    const plan = loadJobSync(fixture('good-foreach.yaml'));
    const brief = plan.tasks.map(({ id, name, input, group, blockedBy }) => ({ id, name, input, group, blockedBy }));
    expect(brief).toEqual([
      { id: 'region-east', name: 'region-east', input: { format: 'csv', file: abs('data/east.csv') }, group: 'region', blockedBy: [] },
      { id: 'region-west', name: 'region-west', input: { format: 'csv', file: abs('data/west.csv') }, group: 'region', blockedBy: [] },
      { id: 'lang-eu', name: 'Language-eu', input: { value: 'eu' }, group: 'lang', blockedBy: ['region-east'] },
      { id: 'lang-us', name: 'Language-us', input: { value: 'us' }, group: 'lang', blockedBy: ['region-east'] },
      { id: 'lang-3', name: 'Language-3', input: { value: 3 }, group: 'lang', blockedBy: ['region-east'] },
      {
        id: 'aggregate',
        name: 'aggregate',
        input: undefined,
        group: undefined,
        // `region` stands for both files; naming region-west again does not repeat it.
        blockedBy: ['region-east', 'region-west', 'lang-eu', 'lang-us', 'lang-3'],
      },
    ]);
    expect(plan.tasks[5]).not.toHaveProperty('group');
  });

  it('resolves processors and foreach globs relative to the job file, not the working directory', () => {
    const plan = loadJobSync(fixture('nested/good-relative.yaml'));
    expect(plan.tasks.map((t) => [t.id, t.processor, (t.input as { file: string }).file])).toEqual([
      ['up-east', NOOP, abs('data/east.csv')],
      ['up-west', NOOP, abs('data/west.csv')],
    ]);
  });

  it('lets options override the job file concurrency and onFailure', () => {
    const plan = loadJobSync(fixture('good-defaults.yaml'), { concurrency: 8, onFailure: 'skip' });
    expect(plan.concurrency).toBe(8);
    expect(plan.onFailure).toBe('skip');
    expect(loadJobSync(fixture('good-builtin-defaults.json'), { onFailure: 'fail' })).toMatchObject({ onFailure: 'fail' });
  });

  it('produces the same plan asynchronously as synchronously', async () => {
    for (const name of ['good-defaults.yaml', 'good-foreach.yaml', 'nested/good-relative.yaml']) {
      expect(await loadJob(fixture(name), { concurrency: 3 })).toEqual(loadJobSync(fixture(name), { concurrency: 3 }));
    }
  });
});

describe('loadJobSync on job files written on the fly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dproc-job-loader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('accepts an absolute processor path and a UTF-8 byte-order mark', () => {
    const file = write('bom.yaml', `\ufeffname: bom\ntasks:\n  - id: a\n    processor: ${JSON.stringify(NOOP)}\n`);
    expect(loadJobSync(file).tasks[0].processor).toBe(NOOP);
  });

  it('reports a processor path that is a directory as not a file', () => {
    mkdirSync(join(dir, 'folder.mjs'));
    const file = write('dir.yaml', 'name: d\ntasks:\n  - id: a\n    processor: ./folder.mjs\n');
    const err = loadError(file);
    expect(err.code).toBe(ERROR_CODES.PROCESSOR_NOT_FOUND);
    expect(err.message).toContain('processor: not a file');
  });

  it('collects processor, foreach and blockedBy problems of different tasks into one error', () => {
    const file = write(
      'many.yaml',
      [
        'name: many',
        'tasks:',
        '  - { id: a, processor: ./nope.mjs }',
        '  - { id: b, processor: ./nope.js, foreach: { files: "*.none" } }',
        '  - { id: c, processor: ./nope.ts, blockedBy: [zzz] }',
      ].join('\n'),
    );
    const err = loadError(file);
    expect(err).toBeInstanceOf(DprocErrors);
    expect((err as DprocErrors).errors.map((e) => [e.code, e.location.taskId])).toEqual([
      [ERROR_CODES.PROCESSOR_NOT_FOUND, 'a'],
      [ERROR_CODES.PROCESSOR_NOT_FOUND, 'b'],
      [ERROR_CODES.FOREACH_EMPTY, 'b'],
      [ERROR_CODES.PROCESSOR_NOT_FOUND, 'c'],
      [ERROR_CODES.UNKNOWN_DEPENDENCY, 'c'],
    ]);
  });

  it('refuses a plain task and a foreach task that share an id, since blockedBy could not tell them apart', () => {
    const file = write(
      'shared-id.yaml',
      `name: s\ntasks:\n  - { id: r, processor: ${JSON.stringify(NOOP)} }\n  - { id: r, processor: ${JSON.stringify(NOOP)}, foreach: { values: [x] } }\n`,
    );
    expect(loadError(file).code).toBe(ERROR_CODES.DUPLICATE_ID);
  });

  it('names a cycle that runs through a foreach group by its expanded ids', () => {
    const file = write(
      'group-cycle.yaml',
      [
        'name: g',
        'tasks:',
        `  - { id: r, processor: ${JSON.stringify(NOOP)}, foreach: { values: [x, y] }, blockedBy: [agg] }`,
        `  - { id: agg, processor: ${JSON.stringify(NOOP)}, blockedBy: [r] }`,
      ].join('\n'),
    );
    const err = loadError(file);
    expect(err.code).toBe(ERROR_CODES.CYCLE);
    expect(err.message).toContain('r-x -> agg -> r-x');
    expect(err.location.line).toBe(3);
  });

  it('points a schema problem in a JSON file at its line and column', () => {
    const file = write('schema.json', '{\n  "name": "j",\n  "tasks": [\n    { "id": "a", "processor": "p.mjs", "retries": "two" }\n  ]\n}\n');
    const err = loadError(file);
    expect(err.code).toBe(ERROR_CODES.JOB_SCHEMA);
    expect(err.location).toMatchObject({ taskId: 'a', field: 'retries', line: 4, column: 51 });
  });

  it('rejects a YAML file with two documents and a duplicate key as syntax errors', () => {
    const twoDocs = loadError(write('two.yaml', 'name: a\n---\nname: b\n'));
    expect(twoDocs.code).toBe(ERROR_CODES.JOB_SYNTAX);
    expect(twoDocs.message).toContain(':2:1: YAML syntax error: a job file holds one YAML document');
    const dupKey = loadError(write('dup.yaml', 'name: a\ntasks: []\nname: b\n'));
    expect(dupKey.message).toContain(':3:1: YAML syntax error: duplicate key "name"');
  });

  it('rejects a JSON file with a duplicate key, which JSON.parse would silently accept', () => {
    const err = loadError(write('dup.json', '{"name": "a", "name": "b", "tasks": []}'));
    expect(err.code).toBe(ERROR_CODES.JOB_SYNTAX);
    expect(err.message).toMatch(/dup\.json:1:15: JSON syntax error: duplicate key "name"$/);
  });
});
