import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatJobError, jobProblems } from '../../electron/engine/job/index.ts';
import { describeSchema, schemaProblems } from '../../electron/engine/job/schema-problems.ts';
import { DprocError, DprocErrors, ERROR_CODES } from '../../shared/errors.ts';
import { jobFileSchema, taskSchema } from '../../shared/job-schema.ts';

/** The messages for job data that must fail the schema, without the file prefix. */
function problems(data: unknown): string[] {
  const result = jobFileSchema.safeParse(data);
  expect(result.success).toBe(false);
  return schemaProblems(result.error!.issues, data, 'x.yaml').map((e) => {
    expect(e.code).toBe(ERROR_CODES.JOB_SCHEMA);
    expect(e.message.startsWith('x.yaml: ')).toBe(true);
    return e.message.slice('x.yaml: '.length);
  });
}

const task = (extra: Record<string, unknown>) => ({ name: 'j', tasks: [{ id: 't', processor: 'p.mjs', ...extra }] });

describe('schemaProblems', () => {
  it.each([
    [[1, 2], 'expected a mapping with "name" and "tasks", got a list of 2'],
    [{ tasks: [{ id: 't', processor: 'p.mjs' }] }, 'name: missing (expected a non-empty string)'],
    [{ name: '', tasks: [{ id: 't', processor: 'p.mjs' }] }, 'name: expected a non-empty string, got ""'],
    [{ name: 'j', tasks: {} }, 'tasks: expected a non-empty list, got an empty mapping'],
    [{ name: 'j', tasks: [] }, 'tasks: expected a non-empty list, got an empty list'],
    [{ name: 'j', tasks: ['t'] }, 'tasks[0]: expected a mapping with "id" and "processor", got "t"'],
    [{ name: 'j', concurrency: 2.5, tasks: [{ id: 't', processor: 'p.mjs' }] }, 'concurrency: expected an integer from 1 to 1024, got 2.5'],
    [{ name: 'j', onFailure: 'stop', tasks: [{ id: 't', processor: 'p.mjs' }] }, 'onFailure: expected one of "fail", "skip" or "wait", got "stop"'],
    [{ name: 'j', defaults: { timeoutMS: 1 }, tasks: [{ id: 't', processor: 'p.mjs' }] }, 'defaults: unknown key "timeoutMS" (did you mean "timeoutMs"?)'],
    [task({ memoryLimitMb: 8 }), 'tasks[0] (id "t"): memoryLimitMb: expected an integer of at least 16, got 8'],
    [task({ backoffMs: -1 }), 'tasks[0] (id "t"): backoffMs: expected a non-negative integer, got -1'],
    [task({ blockedBy: 'a' }), 'tasks[0] (id "t"): blockedBy: expected a list, got "a"'],
    [task({ blockedBy: ['a', ''] }), 'tasks[0] (id "t"): blockedBy[1]: expected a non-empty string, got ""'],
    [task({ foreach: 'data/*.csv' }), 'tasks[0] (id "t"): foreach: expected a mapping with "files" or a mapping with "values", got "data/*.csv"'],
    [task({ foreach: { files: 3 } }), 'tasks[0] (id "t"): foreach.files: expected a non-empty string, got 3'],
    [task({ foreach: { files: 'a', extra: 1 } }), 'tasks[0] (id "t"): foreach: unknown key "extra"'],
    [task({ foreach: {} }), 'tasks[0] (id "t"): foreach: expected a mapping with "files" or a mapping with "values", got an empty mapping'],
    [task({ BlockedBy: ['a'] }), 'tasks[0] (id "t"): unknown key "BlockedBy" (did you mean "blockedBy"?)'],
    [task({ colour: 'red' }), 'tasks[0] (id "t"): unknown key "colour"'],
  ])('words %j as %j', (data, expected) => {
    expect(problems(data)).toEqual([expected]);
  });

  it('accepts any JSON value as input, so input never produces a schema problem', () => {
    for (const input of [null, 0, 'x', [1, { a: [] }], { deep: { er: true } }]) {
      expect(jobFileSchema.safeParse(task({ input })).success).toBe(true);
    }
  });
});

describe('describeSchema', () => {
  it('describes numbers by their integer-ness and bounds', () => {
    expect(describeSchema(taskSchema.shape.retries)).toBe('an integer from 0 to 100');
    expect(describeSchema(taskSchema.shape.timeoutMs)).toBe('a positive integer');
    expect(describeSchema(z.number().max(3))).toBe('a number of at most 3');
    expect(describeSchema(z.number())).toBe('a number');
  });
});

describe('formatJobError', () => {
  it('prints each problem of a DprocErrors on its own line with its code', () => {
    const err = new DprocErrors([
      new DprocError(ERROR_CODES.JOB_SCHEMA, 'x.yaml: tasks[0] (id "a"): retries: expected …'),
      new DprocError(ERROR_CODES.DUPLICATE_ID, 'x.yaml: tasks[1] (id "a"): id: duplicate id "a"'),
    ]);
    expect(formatJobError(err)).toBe(
      'x.yaml: tasks[0] (id "a"): retries: expected … [DPROC_E_JOB_SCHEMA]\n' +
        'x.yaml: tasks[1] (id "a"): id: duplicate id "a" [DPROC_E_DUPLICATE_ID]',
    );
    expect(jobProblems(err)).toHaveLength(2);
  });

  it('prints a single DprocError as one line and anything else by its message', () => {
    expect(formatJobError(new DprocError(ERROR_CODES.CYCLE, 'x.yaml: cycle in blockedBy: a -> a'))).toBe(
      'x.yaml: cycle in blockedBy: a -> a [DPROC_E_CYCLE]',
    );
    expect(formatJobError('plain')).toBe('plain');
    expect(formatJobError(new TypeError('boom'))).toContain('TypeError: boom');
    expect(jobProblems(new Error('x'))).toEqual([]);
  });
});
