import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../shared/contract.ts';
import type { EventBatch } from '../../shared/events.ts';
import { createApiService, type ApiService } from '../../electron/api/api-service.ts';
import { APP_DEFAULT_ON_FAILURE, createApiHandlers, dispatch } from '../../electron/api/handlers.ts';
import { Engine } from '../../electron/engine/engine.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'examples');
const SALES = join(EXAMPLES, 'sales-by-region', 'sales-by-region.job.yaml');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'jobs');

let tmp: string;
let workspace: string;
let engine: Engine;
let api: ApiService;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dproc-api-'));
  workspace = join(tmp, 'workspace');
  mkdirSync(join(workspace, 'team', 'nested'), { recursive: true });
  mkdirSync(join(workspace, 'processors'));
  mkdirSync(join(workspace, 'node_modules', 'pkg'), { recursive: true });
  mkdirSync(join(workspace, '.hidden'));
  mkdirSync(join(workspace, 'a', 'b', 'c', 'd', 'e'), { recursive: true });
  copyFileSync(join(FIXTURES, 'processors', 'noop.mjs'), join(workspace, 'processors', 'noop.mjs'));
  const job = (name: string) => `name: ${name}\ntasks:\n  - id: only\n    processor: ${join(workspace, 'processors', 'noop.mjs')}\n`;
  writeFileSync(join(workspace, 'top.job.yaml'), job('top-job'));
  writeFileSync(join(workspace, 'team', 'nested', 'deep.job.yml'), job('deep-job'));
  writeFileSync(join(workspace, 'team', 'plain.json'), '{}'); // not *.job.*: not listed
  writeFileSync(join(workspace, 'node_modules', 'pkg', 'dep.job.yaml'), job('in-node-modules'));
  writeFileSync(join(workspace, '.hidden', 'secret.job.yaml'), job('hidden'));
  writeFileSync(join(workspace, 'a', 'b', 'c', 'd', 'e', 'too-deep.job.yaml'), job('too-deep'));
  copyFileSync(join(FIXTURES, 'bad-several.yaml'), join(workspace, 'bad-several.yaml'));
  writeFileSync(join(tmp, 'outside.job.yaml'), job('outside'));
  symlinkSync(join(tmp, 'outside.job.yaml'), join(workspace, 'link-out.job.yaml'));
  engine = Engine.open({ dataDir: join(tmp, 'data'), defaultOnFailure: APP_DEFAULT_ON_FAILURE });
  api = createApiService(engine, { examplesDir: EXAMPLES, workspaceDir: workspace });
});

afterAll(async () => {
  api.close();
  await engine.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A payload that must be refused, and the field the message must name. */
type BadCase = [command: CommandName, request: unknown, field: string];

const r = 'r1';
const BAD_PAYLOADS: BadCase[] = [
  ['listJobs', { extra: 1 }, 'request'],
  ['listJobs', 'text', 'request'],
  ['validateJob', {}, 'path'],
  ['validateJob', { path: '' }, 'path'],
  ['validateJob', { path: 7 }, 'path'],
  ['validateJob', { path: 'x.yaml', concurrency: 0 }, 'concurrency'],
  ['validateJob', { path: 'x.yaml', onFailure: 'explode' }, 'onFailure'],
  ['validateJob', { path: 'x.yaml', unexpected: true }, 'request'],
  ['startRun', { path: 'x'.repeat(5000) }, 'path'],
  ['startRun', { path: 'x.yaml', concurrency: 2.5 }, 'concurrency'],
  ['startRun', [], 'request'],
  ['listRuns', { limit: 0 }, 'limit'],
  ['listRuns', { limit: 'ten' }, 'limit'],
  ['getSnapshot', {}, 'runId'],
  ['getSnapshot', { runId: '../../etc/passwd' }, 'runId'],
  ['previewControl', { runId: r, taskId: 't', action: 'delete' }, 'action'],
  ['previewControl', { runId: r, action: 'retry' }, 'taskId'],
  ['retryTask', { runId: r, taskId: 'has space' }, 'taskId'],
  ['skipTask', { runId: r }, 'taskId'],
  ['cancelTask', { taskId: 't' }, 'runId'],
  ['retryAllFailed', { runId: 42 }, 'runId'],
  ['cancelRun', {}, 'runId'],
  ['resumeRun', { runId: '' }, 'runId'],
  ['getTaskLogs', { runId: r, taskId: 't', attempt: 0 }, 'attempt'],
  ['getTaskLogs', { runId: r, taskId: 't', limit: 10_001 }, 'limit'],
  ['getTaskLogs', { runId: r, taskId: 't', afterSeq: -1 }, 'afterSeq'],
  ['getTaskOutput', { runId: r }, 'taskId'],
  ['subscribe', { runId: r, afterSeq: -1 }, 'afterSeq'],
  ['subscribe', 5, 'request'],
  ['unsubscribe', { runId: null }, 'runId'],
];

describe('API handlers: request validation', () => {
  it('the table covers every command of the contract', () => {
    expect(new Set(BAD_PAYLOADS.map(([c]) => c))).toEqual(new Set(COMMAND_NAMES));
  });

  it.each(BAD_PAYLOADS)('%s refuses %j with DPROC_E_BAD_REQUEST naming %s', async (command, request, field) => {
    const reply = await dispatch(api.handlers, command, request, { sink: { send() {} } });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('DPROC_E_BAD_REQUEST');
    expect(reply.error.message.startsWith(`${command}: ${field}`)).toBe(true);
  });

  it('a handler called directly rejects with the same code', async () => {
    await expect(api.handlers.getSnapshot({ runId: 'no such' })).rejects.toMatchObject({ code: 'DPROC_E_BAD_REQUEST' });
  });

  it('an unknown command (including prototype names) is a bad request, not a crash', async () => {
    for (const name of ['dropTables', '__proto__', 'constructor', 'toString']) {
      const reply = await dispatch(api.handlers, name, {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'DPROC_E_BAD_REQUEST' } });
    }
  });

  it('subscribe needs a carrier with an event channel', async () => {
    const reply = await dispatch(api.handlers, 'subscribe', { runId: 'r1' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'DPROC_E_BAD_REQUEST', message: 'subscribe: this carrier has no event channel' } });
  });
});

describe('API handlers: jobs', () => {
  it('listJobs offers the examples and the workspace jobs, depth-limited, skipping node_modules, hidden folders and symlinks', async () => {
    const { jobs } = await api.handlers.listJobs({});
    const examples = jobs.filter((j) => j.source === 'example');
    expect(examples.map((j) => j.name).sort()).toEqual(['flaky', 'flight-delays', 'sales-by-region']);
    expect(examples.every((j) => j.path.startsWith(EXAMPLES))).toBe(true);
    const inWorkspace = jobs.filter((j) => j.source === 'workspace').map((j) => j.name).sort();
    // link-out.job.yaml is a symlink: not offered (and refused if asked for, see below).
    expect(inWorkspace).toEqual(['deep-job', 'top-job']);
  });

  it('validateJob returns a preview with the app default onFailure and the overrides applied', async () => {
    const reply = await api.handlers.validateJob({ path: join(workspace, 'top.job.yaml'), concurrency: 3 });
    expect(reply).toMatchObject({ ok: true, preview: { name: 'top-job', concurrency: 3, onFailure: 'wait', tasks: [{ id: 'only', blockedBy: [] }] } });
  });

  it('validateJob resolves a relative path against the workspace', async () => {
    const reply = await api.handlers.validateJob({ path: 'team/nested/deep.job.yml' });
    expect(reply).toMatchObject({ ok: true, preview: { name: 'deep-job' } });
  });

  it('validateJob lists every problem of a bad job file with its code and location', async () => {
    const reply = await api.handlers.validateJob({ path: join(workspace, 'bad-several.yaml') });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.problems).toHaveLength(4);
    expect(reply.problems.every((p) => p.code === 'DPROC_E_JOB_SCHEMA')).toBe(true);
    expect(reply.problems).toContainEqual(expect.objectContaining({ taskId: 'a', field: 'retries', line: expect.any(Number), column: expect.any(Number) }));
    expect(reply.problems).toContainEqual(expect.objectContaining({ field: 'defaults.timeoutMs' }));
  });

  it.each([
    ['an absolute path elsewhere', '/etc/passwd.yaml'],
    ['a relative path climbing out', '../outside.job.yaml'],
    ['a symlink inside pointing outside', 'link-out.job.yaml'],
    ['a test fixture outside both folders', join(FIXTURES, 'good-defaults.yaml')],
  ])('serve mode refuses %s for validateJob and startRun', async (_what, path) => {
    await expect(api.handlers.validateJob({ path })).rejects.toMatchObject({ code: 'DPROC_E_PATH_NOT_ALLOWED' });
    await expect(api.handlers.startRun({ path })).rejects.toMatchObject({ code: 'DPROC_E_PATH_NOT_ALLOWED' });
  });

  it('with allowAnyPath (Electron, the user picked the file) any job path is loaded', async () => {
    const handlers = createApiHandlers(engine, { examplesDir: EXAMPLES, allowAnyPath: true, recentJobs: () => [join(tmp, 'outside.job.yaml')] });
    expect(await handlers.validateJob({ path: join(tmp, 'outside.job.yaml') })).toMatchObject({ ok: true, preview: { name: 'outside' } });
    const { jobs } = await handlers.listJobs({});
    expect(jobs).toContainEqual({ path: join(tmp, 'outside.job.yaml'), name: 'outside', source: 'recent' });
  });

  it('startRun of an invalid job rejects with the loader code and starts nothing', async () => {
    const before = (await api.handlers.listRuns({})).runs.length;
    await expect(api.handlers.startRun({ path: join(workspace, 'bad-several.yaml') })).rejects.toMatchObject({ code: 'DPROC_E_JOB_SCHEMA' });
    expect((await api.handlers.listRuns({})).runs.length).toBe(before);
  });
});

describe('API handlers: runs', () => {
  it('a run to COMPLETE: listed, snapshot, JSON-safe output, logs; its coordinator is released', async () => {
    const sink = { batches: [] as EventBatch[], send(b: EventBatch) { this.batches.push(b); } };
    const { runId } = await api.handlers.startRun({ path: SALES });
    const { snapshot } = await api.handlers.subscribe({ runId }, { sink });
    const done = await engine.coordinator(runId)!.whenSettled();
    expect(done.state).toBe('COMPLETE');
    expect(snapshot.runId).toBe(runId);

    const { runs } = await api.handlers.listRuns({ limit: 5 });
    expect(runs[0]).toMatchObject({ runId, jobName: 'sales-by-region', state: 'COMPLETE', taskCount: 5 });
    expect(Object.keys(runs[0]).sort()).toEqual(['counts', 'createdAt', 'finishedAt', 'jobFile', 'jobName', 'runId', 'state', 'taskCount']);

    const { output } = await api.handlers.getTaskOutput({ runId, taskId: 'aggregate' });
    expect(JSON.parse(JSON.stringify(output))).toEqual(output);
    expect(output).toMatchObject({ regions: 4 });
    expect(await api.handlers.getTaskOutput({ runId, taskId: 'no-such-task' })).toEqual({});
    const { lines } = await api.handlers.getTaskLogs({ runId, taskId: 'region-north' });
    expect(Array.isArray(lines)).toBe(true);

    await until(() => engine.coordinator(runId) === undefined);
    expect((await api.handlers.getSnapshot({ runId })).snapshot.state).toBe('COMPLETE');
    await expect(api.handlers.resumeRun({ runId })).rejects.toMatchObject({ code: 'DPROC_E_INVALID_CONTROL' });
    await expect(api.handlers.cancelRun({ runId })).rejects.toMatchObject({ code: 'DPROC_E_INVALID_CONTROL' });
    expect(await api.handlers.retryAllFailed({ runId })).toEqual({ retried: [] });
    expect(await api.handlers.previewControl({ runId, taskId: 'region-north', action: 'skip' })).toMatchObject({ allowed: false });
    expect(await api.handlers.unsubscribe({ runId }, { sink })).toEqual({ ok: true });
  });

  it('commands on an unknown run fail with DPROC_E_RUN_NOT_FOUND', async () => {
    for (const command of ['getSnapshot', 'retryAllFailed', 'cancelRun', 'resumeRun'] as const) {
      const reply = await dispatch(api.handlers, command, { runId: 'nope' });
      expect(reply).toMatchObject({ ok: false, error: { code: 'DPROC_E_RUN_NOT_FOUND' } });
    }
    for (const command of ['getTaskLogs', 'getTaskOutput', 'retryTask', 'skipTask'] as const) {
      const reply = await dispatch(api.handlers, command, { runId: 'nope', taskId: 't' });
      expect(reply).toMatchObject({ ok: false, error: { code: 'DPROC_E_RUN_NOT_FOUND' } });
    }
  });
});

/** Waits for a condition the engine reaches on its own (a release after the run settled), checking every 5 ms. */
async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
