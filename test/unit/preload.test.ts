import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, IPC_EVENTS_CHANNEL } from '../../shared/contract.ts';
import { DESKTOP_CHANNELS } from '../../electron/main/ipc-protocol.ts';
import type { DesktopApi } from '../../electron/preload/api.ts';
import { fakeElectron } from './main-fake-electron.ts';

vi.mock('electron', async () => (await import('./main-fake-electron.ts')).fakeElectron);

const { ipcRenderer, contextBridge } = fakeElectron;
let exposed: { key: string; api: DesktopApi };

beforeAll(async () => {
  fakeElectron.reset();
  await import('../../electron/preload/index.ts');
  expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [key, api] = contextBridge.exposeInMainWorld.mock.calls[0] as [string, DesktopApi];
  exposed = { key, api };
});

beforeEach(() => {
  ipcRenderer.invoke.mockReset();
  ipcRenderer.on.mockReset();
  ipcRenderer.removeListener.mockReset();
});

describe('preload: window.dproc', () => {
  it('exposes exactly the contract commands, onEvents and the desktop extras, as window.dproc', () => {
    expect(exposed.key).toBe('dproc');
    expect(Object.keys(exposed.api).sort()).toEqual([...COMMAND_NAMES, 'onEvents', 'pickJobFile', 'onOpenJob'].sort());
    for (const value of Object.values(exposed.api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(exposed.api)).toBe(true);
  });

  it('never hands out ipcRenderer or any of its methods', () => {
    const leaked = new Set<unknown>([ipcRenderer, ipcRenderer.invoke, ipcRenderer.on, ipcRenderer.removeListener]);
    for (const value of Object.values(exposed.api)) expect(leaked.has(value)).toBe(false);
    expect(Object.keys(exposed.api)).not.toEqual(expect.arrayContaining(['invoke']));
  });

  it('invokes dproc:<command> with the request and resolves with the response', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, response: { runs: [] } });
    await expect(exposed.api.listRuns({ limit: 5 })).resolves.toEqual({ runs: [] });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('dproc:listRuns', { limit: 5 });
    for (const command of COMMAND_NAMES) {
      ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, response: {} });
      await (exposed.api[command] as (r: unknown) => Promise<unknown>)({});
      expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(`dproc:${command}`, {});
    }
  });

  it('rejects with the stable error code, in a form contextBridge copies whole', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'DPROC_E_BAD_REQUEST', message: 'listRuns: limit: expected number' } });
    const err = await exposed.api.listRuns({ limit: 0 }).catch((e: unknown) => e);
    expect(err).toEqual({ name: 'DprocCallError', code: 'DPROC_E_BAD_REQUEST', message: 'listRuns: limit: expected number' });
    // contextBridge rebuilds an Error from its message only; a plain object survives a structured clone intact.
    expect(structuredClone(err)).toEqual(err);
  });

  it('delivers event batches without the IPC event, and unsubscribes the same listener', () => {
    const listener = vi.fn();
    const off = exposed.api.onEvents(listener);
    const [channel, wrapped] = ipcRenderer.on.mock.calls[0] as [string, (event: unknown, batch: unknown) => void];
    expect(channel).toBe(IPC_EVENTS_CHANNEL);
    const batch = { runId: 'r1', seq: 3, events: [] };
    wrapped({ sender: ipcRenderer }, batch);
    expect(listener).toHaveBeenCalledWith(batch);
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_EVENTS_CHANNEL, wrapped);
  });

  it('pickJobFile resolves to the chosen path, or null when the dialog was cancelled', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, response: { path: '/jobs/x.job.yaml' } });
    await expect(exposed.api.pickJobFile()).resolves.toBe('/jobs/x.job.yaml');
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(DESKTOP_CHANNELS.pickJobFile, {});
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, response: {} });
    await expect(exposed.api.pickJobFile()).resolves.toBeNull();
  });

  it('onOpenJob passes the path the File menu opened', () => {
    const listener = vi.fn();
    exposed.api.onOpenJob(listener);
    const [channel, wrapped] = ipcRenderer.on.mock.calls[0] as [string, (event: unknown, path: string) => void];
    expect(channel).toBe(DESKTOP_CHANNELS.openJob);
    wrapped({}, '/jobs/y.job.yaml');
    expect(listener).toHaveBeenCalledWith('/jobs/y.job.yaml');
  });
});
