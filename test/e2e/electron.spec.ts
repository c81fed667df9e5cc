// The desktop app end to end, from the built bundles (`npm run build` first; `npm run test:e2e` does it).
//  1. Headless main: out/main/index.js under plain Node with a stand-in `electron` module, the sandboxed
//     preload bundle evaluated in a vm with only `electron` requirable, and the page's part played through
//     window.dproc. Needs no Electron binary, so it runs everywhere: it proves the ESM main bundle starts,
//     its bundled worker entries run attempts (threads and child processes), IPC round-trips through the
//     preload, and quitting releases the engine.
//  2. The real app through Playwright's `_electron`: skipped where no Electron binary can be had.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'out', 'main', 'index.js');

/**
 * The Electron executable, without triggering electron's lazy download (its index.js downloads on first
 * require when the binary is missing, which fails or hangs on a machine without internet).
 */
function electronBinary(): string | undefined {
  const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) return undefined;
  const binary = override ? join(override, relative || 'electron') : join(pkgDir, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}
const binary = electronBinary();
const hasElectronBinary = binary !== undefined;

/** A scratch copy of the examples, with fewer rows so the sales job takes seconds. */
function scratchApp(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'dproc-electron-e2e-'));
  cpSync(join(ROOT, 'examples', 'sales-by-region'), join(dir, 'examples', 'sales-by-region'), {
    recursive: true,
    filter: (from) => !from.includes(`${join('sales-by-region', 'data')}`),
  });
  const job = join(dir, 'examples', 'sales-by-region', 'sales-by-region.job.yaml');
  writeFileSync(job, readFileSync(job, 'utf8').replace(/rows: \d+/, 'rows: 5000'));
  return { dir, env: { DPROC_DATA_DIR: join(dir, 'data'), DPROC_USER_DATA_DIR: join(dir, 'user'), DPROC_EXAMPLES_DIR: join(dir, 'examples') } };
}

test.describe('headless main (no Electron binary needed)', () => {
  test('the built main bundle runs the example job through the preload and quits cleanly', async () => {
    test.setTimeout(120_000);
    test.skip(!existsSync(MAIN), 'out/main/index.js is missing: run `npm run build` first');
    const { dir, env } = scratchApp();
    try {
      writeFileSync(join(dir, 'fake-electron.mjs'), FAKE_ELECTRON);
      writeFileSync(join(dir, 'register.mjs'), REGISTER_HOOKS);
      const child = spawn(process.execPath, ['--import', join(dir, 'register.mjs'), MAIN], {
        cwd: ROOT,
        env: { ...process.env, ...env, SMOKE_DIR: dir, ELECTRON_RENDERER_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      const line = out.split('\n').find((l) => l.startsWith('DPROC_SMOKE '));
      expect(line, `no result from the headless app (exit ${code}).\nstdout:\n${out}\nstderr:\n${err}`).toBeDefined();
      const result = JSON.parse(line!.slice('DPROC_SMOKE '.length));
      expect(result.error, `${result.stack ?? ''}\n${JSON.stringify(result.progress ?? result, null, 2)}`).toBeUndefined();
      expect(result.exposed).toEqual(result.expectedKeys);
      expect(result.foreign).toMatchObject({ code: 'DPROC_E_UNTRUSTED_SENDER' });
      expect(result.badRequest).toMatchObject({ code: 'DPROC_E_BAD_REQUEST' });
      expect(result.states).toEqual({ thread: 'COMPLETE', process: 'COMPLETE' });
      expect(result.batches).toBeGreaterThan(0);
      expect(result.window).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preloadExists: true });
      expect(code).toBe(0);
      expect(result.quitHeld).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.describe('desktop app (Electron binary)', () => {
  test.skip(!hasElectronBinary, 'Electron binary not available on this machine (no internet to download it)');
  test.skip(process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY, 'no display: run the e2e tests under `xvfb-run -a`');

  test('opens the example job and runs it to COMPLETE', async ({}, testInfo) => {
    test.setTimeout(180_000);
    const { dir, env } = scratchApp();
    const app = await electron.launch({
      executablePath: binary,
      // The project folder, as `electron .` would: package.json "main" points at out/main/index.js.
      args: [ROOT],
      cwd: dir,
      env: { ...process.env, ...env } as Record<string, string>,
    });
    try {
      const page = await app.firstWindow();
      // The page gets window.dproc and nothing of Node.
      const globals = await page.evaluate(() => ({
        api: Object.keys((globalThis as unknown as { dproc: object }).dproc).sort(),
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
      }));
      expect(globals).toMatchObject({ require: 'undefined', process: 'undefined' });
      expect(globals.api).toEqual(expect.arrayContaining(['startRun', 'onEvents', 'pickJobFile']));

      await page.getByTestId('job-picker').selectOption({ label: 'sales-by-region' });
      await expect(page.getByTestId('job-valid')).toBeVisible();
      await page.getByTestId('run-button').click();
      await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'COMPLETE', { timeout: 150_000 });
      await expect(page.getByTestId('run-progress')).toHaveAttribute('data-settled', '5');
    } catch (err) {
      const page = app.windows()[0];
      if (page) await testInfo.attach('window', { body: await page.screenshot(), contentType: 'image/png' });
      throw err;
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Loader hook: `electron` resolves to the stand-in below; everything else as usual. */
const REGISTER_HOOKS = `
import { registerHooks } from 'node:module';
const fake = new URL('./fake-electron.mjs', import.meta.url).href;
registerHooks({ resolve: (specifier, context, next) => (specifier === 'electron' ? { url: fake, shortCircuit: true } : next(specifier, context)) });
`;

/**
 * The stand-in for \`electron\` the headless main runs against. It plays Chromium's part: when main loads
 * the page, it evaluates the CommonJS preload in a vm (only \`electron\` requirable, as in a sandbox), then
 * uses window.dproc the way the renderer does, prints one DPROC_SMOKE line, and quits.
 */
const FAKE_ELECTRON = `
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const handlers = new Map();
const report = (result) => process.stdout.write('DPROC_SMOKE ' + JSON.stringify(result) + '\\n');
let quitHeld = 0;
let finalResult;
const progress = {};

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getPath: (name) => { if (name !== 'userData') throw new Error('getPath ' + name); return process.env.DPROC_USER_DATA_DIR; },
  setPath: () => {},
  getAppPath: () => process.cwd(),
  getVersion: () => '0.0.0-smoke',
  addRecentDocument: () => {},
  clearRecentDocuments: () => {},
  quit() {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    app.emit('before-quit', event);
    if (event.defaultPrevented) { quitHeld++; return; }
    report({ ...finalResult, quitHeld });
    setImmediate(() => process.exit(0));
  },
  exit: (code) => process.exit(code),
});
export const ipcMain = { handle: (ch, fn) => handlers.set(ch, fn), removeHandler: (ch) => handlers.delete(ch) };
export const session = { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, webRequest: { onHeadersReceived() {} } } };
export const Menu = { setApplicationMenu() {}, buildFromTemplate: (t) => t };
export const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showErrorBox: (t, m) => { console.error(t, m); } };
export const shell = { openExternal: async () => {}, openPath: async () => '' };
export class Notification extends EventEmitter { static isSupported() { return false; } show() {} }

class WebContents extends EventEmitter {
  id = 1;
  listeners = new Map();
  isDestroyed() { return false; }
  isLoading() { return false; }
  setWindowOpenHandler() {}
  send(channel, payload) { for (const l of this.listeners.get(channel) ?? []) l({}, structuredClone(payload)); }
}

export class BrowserWindow extends EventEmitter {
  static all = [];
  static fromWebContents(wc) { return BrowserWindow.all.find((w) => w.webContents === wc) ?? null; }
  constructor(options) { super(); this.options = options; this.webContents = new WebContents(); BrowserWindow.all.push(this); }
  isDestroyed() { return false; } isFocused() { return true; } isMinimized() { return false; }
  show() {} focus() {} restore() {} setProgressBar() {}
  async loadURL(url) { throw new Error('unexpected loadURL ' + url); }
  async loadFile(file) {
    // Report instead of hanging: an attempt that cannot start would otherwise wait for its job's timeout.
    setTimeout(() => { report({ error: 'the headless run did not finish in time', progress }); process.exit(1); }, Number(process.env.SMOKE_DEADLINE_MS || 60000));
    setImmediate(() => drive(this, pathToFileURL(file).href).then(
      (result) => { finalResult = result; app.quit(); },
      (err) => { report({ error: String(err && err.message || err), stack: err && err.stack }); process.exit(1); },
    ));
  }
}

/** Evaluates the preload bundle as Chromium's sandbox would, wired to main's handlers as frame \`pageUrl\`. */
function loadPreload(win, pageUrl) {
  const prefs = win.options.webPreferences;
  const exposed = {};
  const ipcRenderer = {
    invoke: async (ch, req) => structuredClone(await handlers.get(ch)({ sender: win.webContents, senderFrame: { url: pageUrl, parent: null } }, structuredClone(req))),
    on: (ch, l) => win.webContents.listeners.set(ch, [...(win.webContents.listeners.get(ch) ?? []), l]),
    removeListener: (ch, l) => win.webContents.listeners.set(ch, (win.webContents.listeners.get(ch) ?? []).filter((x) => x !== l)),
  };
  const electron = { contextBridge: { exposeInMainWorld: (key, api) => { exposed[key] = api; } }, ipcRenderer };
  const sandboxRequire = (id) => { if (id === 'electron') return electron; throw new Error('a sandboxed preload cannot require ' + id); };
  const module = { exports: {} };
  vm.runInNewContext('(function (require, module, exports) {' + readFileSync(prefs.preload, 'utf8') + '\\n})', { console, setTimeout, clearTimeout, queueMicrotask })(sandboxRequire, module, module.exports);
  return exposed.dproc;
}

async function runToEnd(dproc, path) {
  const { runId } = await dproc.startRun({ path });
  let state = (await dproc.subscribe({ runId })).snapshot.state;
  let batches = 0;
  await new Promise((resolve) => {
    const off = dproc.onEvents((batch) => {
      if (batch.runId !== runId) return;
      batches++;
      for (const e of batch.events) if (e.type === 'run.state') state = e.state;
      progress[path] = { state, seq: batch.seq, failed: batch.events.filter((e) => e.type === 'attempt.failed').map((e) => e.error.message) };
      if (state !== 'RUNNING') { off(); resolve(); }
    });
  });
  return { state, batches };
}

async function drive(win, pageUrl) {
  const prefs = win.options.webPreferences;
  const dproc = loadPreload(win, pageUrl);
  const commands = [...handlers.keys()].filter((c) => !c.startsWith('dproc:desktop:')).map((c) => c.slice('dproc:'.length));
  const foreign = await handlers.get('dproc:listRuns')({ sender: win.webContents, senderFrame: { url: 'https://evil.example/', parent: null } }, {});
  const badRequest = await dproc.listRuns({ limit: -1 }).then(() => undefined, (e) => e);
  const { jobs } = await dproc.listJobs({});
  const sales = jobs.find((j) => j.name === 'sales-by-region');
  if (!sales) throw new Error('example job not listed: ' + JSON.stringify(jobs));
  const thread = await runToEnd(dproc, sales.path);
  // A second job on the process executor: the bundled child-process entry must start too.
  const dir = join(process.env.SMOKE_DIR, 'child-job');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'double.mjs'), 'export default (input) => input.n * 2;\\n');
  writeFileSync(join(dir, 'child.job.yaml'), 'name: child\\ndefaults: { isolation: process }\\ntasks:\\n  - id: double\\n    processor: ./double.mjs\\n    input: { n: 21 }\\n');
  const child = await runToEnd(dproc, join(dir, 'child.job.yaml'));
  return {
    exposed: Object.keys(dproc).sort(),
    expectedKeys: [...commands, 'onEvents', 'pickJobFile', 'onOpenJob'].sort(),
    foreign: foreign.error,
    badRequest: badRequest && { code: badRequest.code, message: badRequest.message },
    states: { thread: thread.state, process: child.state },
    batches: thread.batches + child.batches,
    window: { contextIsolation: prefs.contextIsolation, sandbox: prefs.sandbox, nodeIntegration: prefs.nodeIntegration, preloadExists: existsSync(prefs.preload) },
  };
}
`;
