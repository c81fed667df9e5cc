import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, IPC_EVENTS_CHANNEL, type CommandName } from '../../shared/contract.ts';
import type { EventBatch } from '../../shared/events.ts';
import { createApiService, type ApiService } from '../../electron/api/api-service.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { WindowSinks } from '../../electron/main/event-sink.ts';
import { registerIpcHandlers } from '../../electron/main/ipc.ts';
import { DESKTOP_CHANNELS, IPC_ERROR_CODES, type IpcReply } from '../../electron/main/ipc-protocol.ts';
import { fakeElectron, FakeWebContents } from './main-fake-electron.ts';

vi.mock('electron', async () => (await import('./main-fake-electron.ts')).fakeElectron);

const { ipcMain } = fakeElectron;
const appIndex = join(tmpdir(), 'dproc-app', 'out', 'renderer', 'index.html');
const appPage = pathToFileURL(appIndex);
const own = appPage.href;

let dir: string;
let engine: Engine;
let service: ApiService;
let unregister: () => void;
let pick: ReturnType<typeof vi.fn<(c: unknown) => Promise<string | undefined>>>;
let done: ReturnType<typeof vi.fn<(command: CommandName, request: unknown) => void>>;

function writeJob(): string {
  writeFileSync(join(dir, 'noop.mjs'), 'export default async (input) => ({ ok: true, input });\n');
  const job = join(dir, 'tiny.job.yaml');
  writeFileSync(job, 'name: tiny\ntasks:\n  - id: region\n    processor: ./noop.mjs\n    foreach: { values: [a, b] }\n  - id: total\n    processor: ./noop.mjs\n    blockedBy: [region]\n');
  return job;
}

beforeEach(() => {
  fakeElectron.reset();
  dir = mkdtempSync(join(tmpdir(), 'dproc-main-ipc-'));
  engine = Engine.open({ dataDir: join(dir, 'data'), defaultOnFailure: 'wait' });
  service = createApiService(engine, { examplesDir: join(dir, 'no-examples'), allowAnyPath: true });
  const sinks = new WindowSinks(service.bridge);
  pick = vi.fn(async () => undefined);
  done = vi.fn<(command: CommandName, request: unknown) => void>();
  unregister = registerIpcHandlers({
    ipcMain,
    handlers: service.handlers,
    appPage,
    sinkFor: (c) => sinks.for(c),
    pickJobFile: pick,
    onCommandDone: done,
  });
});

afterEach(async () => {
  unregister();
  service.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('IPC handlers', () => {
  it('registers exactly one handler per contract command, plus the desktop Open dialog', () => {
    const expected = [...COMMAND_NAMES.map((c) => `dproc:${c}`), DESKTOP_CHANNELS.pickJobFile].sort();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(expected);
  });

  it('refuses a foreign sender before the handler runs', async () => {
    const listJobs = vi.spyOn(service.handlers, 'listJobs');
    for (const url of ['https://evil.example/', 'file:///tmp/other/index.html', 'about:blank', 'not a url']) {
      const reply = (await ipcMain.invoke('dproc:listJobs', {}, url)) as IpcReply;
      expect(reply).toMatchObject({ ok: false, error: { code: IPC_ERROR_CODES.UNTRUSTED_SENDER } });
    }
    expect(listJobs).not.toHaveBeenCalled();
  });

  it('refuses the app page when it is a subframe, and a sender whose frame is gone', async () => {
    expect(await ipcMain.invoke('dproc:listRuns', {}, own, undefined, { url: own })).toMatchObject({ ok: false });
    const handler = ipcMain.handlers.get('dproc:listRuns')!;
    expect(await handler({ sender: new FakeWebContents(), senderFrame: null }, {})).toMatchObject({
      ok: false,
      error: { code: IPC_ERROR_CODES.UNTRUSTED_SENDER },
    });
  });

  it('refuses a bad payload with DPROC_E_BAD_REQUEST naming the field', async () => {
    const reply = (await ipcMain.invoke('dproc:listRuns', { limit: 'ten' }, own)) as IpcReply;
    expect(reply).toMatchObject({ ok: false, error: { code: 'DPROC_E_BAD_REQUEST' } });
    expect(!reply.ok && reply.error.message).toMatch(/limit/);
    const extra = (await ipcMain.invoke('dproc:getSnapshot', { runId: 'x', extra: true }, own)) as IpcReply;
    expect(extra).toMatchObject({ ok: false, error: { code: 'DPROC_E_BAD_REQUEST' } });
  });

  it('passes a good payload to the engine (query string and hash on the page are fine)', async () => {
    expect(await ipcMain.invoke('dproc:listRuns', {}, `${own}?x=1#/history`)).toEqual({ ok: true, response: { runs: [] } });
    expect(await ipcMain.invoke('dproc:getSnapshot', { runId: 'nope' }, own)).toMatchObject({ ok: false, error: { code: 'DPROC_E_RUN_NOT_FOUND' } });
  });

  it('starts a run, tells main which job ran, and streams its batches to the window that subscribed', async () => {
    const job = writeJob();
    const window = new FakeWebContents();
    const started = (await ipcMain.invoke('dproc:startRun', { path: job }, own, window)) as IpcReply<{ runId: string }>;
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(done).toHaveBeenCalledWith('startRun', { path: job });
    const sub = (await ipcMain.invoke('dproc:subscribe', { runId: started.response.runId }, own, window)) as IpcReply<{ snapshot: { seq: number } }>;
    expect(sub.ok).toBe(true);
    await vi.waitFor(
      () => {
        const batches = window.send.mock.calls.filter(([ch]) => ch === IPC_EVENTS_CHANNEL).map(([, b]) => b as EventBatch);
        expect(batches.flatMap((b) => b.events).some((e) => e.type === 'run.state' && e.state === 'COMPLETE')).toBe(true);
      },
      { timeout: 20_000, interval: 50 },
    );
    const runs = (await ipcMain.invoke('dproc:listRuns', {}, own)) as IpcReply<{ runs: { state: string }[] }>;
    expect(runs).toMatchObject({ ok: true, response: { runs: [{ state: 'COMPLETE' }] } });
  });

  it('answers the desktop Open dialog with the chosen path, or nothing when cancelled', async () => {
    expect(await ipcMain.invoke(DESKTOP_CHANNELS.pickJobFile, {}, own)).toEqual({ ok: true, response: {} });
    pick.mockResolvedValueOnce('/jobs/a.job.yaml');
    expect(await ipcMain.invoke(DESKTOP_CHANNELS.pickJobFile, {}, own)).toEqual({ ok: true, response: { path: '/jobs/a.job.yaml' } });
    expect(await ipcMain.invoke(DESKTOP_CHANNELS.pickJobFile, {}, 'https://evil.example/')).toMatchObject({ ok: false });
    expect(pick).toHaveBeenCalledTimes(2);
  });

  it('removes every handler it registered', () => {
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
    unregister = () => {};
  });
});
