import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES } from '../../shared/contract.ts';
import { Engine } from '../../electron/engine/engine.ts';
import type { AppShell } from '../../electron/main/app-shell.ts';
import type { DesktopApp } from '../../electron/main/desktop-app.ts';
import { DESKTOP_CHANNELS, type IpcReply } from '../../electron/main/ipc-protocol.ts';
import { runDesktopApp } from '../../electron/main/lifecycle.ts';
import { appLocations, appPageUrl } from '../../electron/main/paths.ts';
import { fakeElectron, FakeBrowserWindow } from './main-fake-electron.ts';

vi.mock('electron', async () => (await import('./main-fake-electron.ts')).fakeElectron);

const { app, ipcMain } = fakeElectron;
let dir: string;
let desktop: DesktopApp | undefined;
const locations = () => appLocations(join(dir, 'out', 'main'), {});
const page = () => appPageUrl(locations()).href;

function fakeShell(): AppShell {
  return {
    openExternal: vi.fn(async () => {}),
    openPath: vi.fn(async () => {}),
    pickJobFile: vi.fn(async () => undefined),
    addRecentDocument: vi.fn(),
    clearRecentDocuments: vi.fn(),
    notify: vi.fn(),
    setProgress: vi.fn(),
  };
}

async function launch(): Promise<DesktopApp | undefined> {
  desktop = await runDesktopApp({ locations: locations(), shell: fakeShell(), env: { DPROC_DATA_DIR: join(dir, 'data') } });
  return desktop;
}

/** Plays the user quitting: before-quit until main lets it through; resolves with how often it was held. */
async function quit(): Promise<number> {
  let held = 0;
  app.quit.mockImplementation(() => {
    const event = { preventDefault: vi.fn() };
    app.emit('before-quit', event);
    if (event.preventDefault.mock.calls.length > 0) held++;
  });
  app.quit();
  await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(2), { timeout: 20_000 });
  return held;
}

beforeEach(() => {
  fakeElectron.reset();
  dir = mkdtempSync(join(tmpdir(), 'dproc-main-life-'));
  app.setPath('userData', join(dir, 'user'));
});

afterEach(async () => {
  await desktop?.close();
  desktop = undefined;
  app.quit.mockReset();
  rmSync(dir, { recursive: true, force: true });
});

describe('desktop app lifecycle', () => {
  it('gives way to a running instance', async () => {
    app.requestSingleInstanceLock.mockReturnValueOnce(false);
    expect(await launch()).toBeUndefined();
    expect(app.quit).toHaveBeenCalled();
    expect(FakeBrowserWindow.all).toHaveLength(0);
  });

  it('opens the engine, one window, the menu and a handler per command once ready', async () => {
    expect(await launch()).toBeDefined();
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(fakeElectron.Menu.setApplicationMenu).toHaveBeenCalled();
    for (const c of COMMAND_NAMES) expect(ipcMain.handlers.has(`dproc:${c}`)).toBe(true);
    expect(await ipcMain.invoke('dproc:listRuns', {}, page())).toEqual({ ok: true, response: { runs: [] } });
  });

  it('hands a job file from a second launch to the open window', async () => {
    await launch();
    const job = join(dir, 'x.job.yaml');
    writeFileSync(job, 'name: x\n');
    app.emit('second-instance', {}, ['/usr/bin/dproc-app', job], dir);
    expect(FakeBrowserWindow.all[0].webContents.send).toHaveBeenCalledWith(DESKTOP_CHANNELS.openJob, job);
    expect(desktop!.recent.list()[0]).toBe(job);
  });

  it('quits when the last window closes (not on macOS, where runs keep going)', async () => {
    await launch();
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
  });

  it('on quit, releases a run still in flight so it reads INTERRUPTED and can be resumed', async () => {
    writeFileSync(join(dir, 'wait.mjs'), 'export default (input, ctx) => new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve("stopped")));\n');
    const job = join(dir, 'wait.job.yaml');
    writeFileSync(job, 'name: wait\ntasks:\n  - id: slow\n    processor: ./wait.mjs\n');
    await launch();
    const started = (await ipcMain.invoke('dproc:startRun', { path: job }, page())) as IpcReply<{ runId: string }>;
    if (!started.ok) throw new Error(started.error.message);
    const { runId } = started.response;
    await vi.waitFor(async () => {
      const snap = (await ipcMain.invoke('dproc:getSnapshot', { runId }, page())) as IpcReply<{ snapshot: { tasks: Record<string, { state: string }> } }>;
      expect(snap.ok && snap.response.snapshot.tasks.slow.state).toBe('IN_PROGRESS');
    }, { timeout: 20_000, interval: 50 });

    expect(await quit()).toBe(1); // held once for the engine to release, then let through
    expect(ipcMain.handlers.size).toBe(0);
    const after = Engine.open({ dataDir: join(dir, 'data') });
    try {
      const run = after.store.getRunSummary(runId);
      expect(run.state).toBe('INTERRUPTED');
      expect(run.owner).toBeUndefined();
    } finally {
      await after.close();
    }
  });
});
