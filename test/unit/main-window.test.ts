import { isAbsolute, join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appLocations, appPageUrl } from '../../electron/main/paths.ts';
import { CONTENT_SECURITY_POLICY, createMainWindow, hardenSession, isExternalLink } from '../../electron/main/window.ts';
import { fakeElectron, FakeBrowserWindow } from './main-fake-electron.ts';

vi.mock('electron', async () => (await import('./main-fake-electron.ts')).fakeElectron);

const mainDir = join('/opt', 'dproc', 'resources', 'app.asar', 'out', 'main');
const shell = { openExternal: vi.fn(async (_url: string) => {}) };

function openWindow(env: NodeJS.ProcessEnv = {}): FakeBrowserWindow {
  createMainWindow(appLocations(mainDir, env), shell);
  return FakeBrowserWindow.all.at(-1)!;
}

beforeEach(() => {
  fakeElectron.reset();
  shell.openExternal.mockClear();
});

describe('main window options', () => {
  it('isolates and sandboxes the page, with no Node, no webview and web security on', () => {
    const prefs = openWindow().options.webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('loads the CommonJS preload built next to the main bundle', () => {
    const preload = String(openWindow().options.webPreferences!.preload);
    expect(isAbsolute(preload)).toBe(true);
    expect(preload).toBe(join(mainDir, '..', 'preload', 'index.cjs'));
    expect(preload.endsWith('.cjs')).toBe(true);
  });

  it('loads the built index.html with loadFile, and the dev server URL when electron-vite dev sets one', () => {
    const built = openWindow();
    expect(built.loadFile).toHaveBeenCalledWith(join(mainDir, '..', 'renderer', 'index.html'));
    expect(built.loadURL).not.toHaveBeenCalled();
    const dev = openWindow({ ELECTRON_RENDERER_URL: 'http://localhost:5173' });
    expect(dev.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(dev.loadFile).not.toHaveBeenCalled();
  });

  it('stays hidden until its first paint', () => {
    const win = openWindow();
    expect(win.options.show).toBe(false);
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });
});

describe('navigation and new windows', () => {
  it('prevents every navigation, and sends only http(s) targets to the browser', () => {
    const { webContents } = openWindow();
    expect(webContents.navigate('https://example.com/docs')).toBe(true);
    expect(webContents.navigate('file:///etc/passwd')).toBe(true);
    expect(webContents.navigate('javascript:alert(1)')).toBe(true);
    expect(shell.openExternal.mock.calls).toEqual([['https://example.com/docs']]);
  });

  it('denies window.open for every URL and opens only http(s) links outside', () => {
    const { webContents } = openWindow();
    const urls = ['https://example.com/', 'http://example.com/a', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'about:blank', 'not a url'];
    for (const url of urls) expect(webContents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    expect(shell.openExternal.mock.calls).toEqual([['https://example.com/'], ['http://example.com/a']]);
  });

  it('refuses to attach a <webview>', () => {
    const { webContents } = openWindow();
    const event = { preventDefault: vi.fn() };
    webContents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('classifies links: only http and https are external', () => {
    expect(['https://a.example', 'http://a.example'].map(isExternalLink)).toEqual([true, true]);
    expect(['file:///x', 'javascript:void 0', 'mailto:a@b.c', 'dproc://x', ''].map(isExternalLink)).toEqual([false, false, false, false, false]);
  });
});

describe('session hardening', () => {
  type HeadersListener = (details: { resourceType: string; responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void;
  const session = fakeElectron.session.defaultSession as unknown as Parameters<typeof hardenSession>[0];

  it('denies every web permission request and check', () => {
    hardenSession(session);
    const request = fakeElectron.session.defaultSession.setPermissionRequestHandler.mock.calls[0][0] as (...a: unknown[]) => void;
    const callback = vi.fn();
    request({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    const check = fakeElectron.session.defaultSession.setPermissionCheckHandler.mock.calls[0][0] as (...a: unknown[]) => boolean;
    expect(check({}, 'notifications')).toBe(false);
  });

  it('adds the strict CSP header to documents only', () => {
    hardenSession(session);
    const listener = fakeElectron.session.defaultSession.webRequest.onHeadersReceived.mock.calls[0][0] as HeadersListener;
    const cb = vi.fn();
    listener({ resourceType: 'mainFrame', responseHeaders: { 'X-Other': ['1'] } }, cb);
    expect(cb).toHaveBeenLastCalledWith({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    listener({ resourceType: 'script' }, cb);
    expect(cb).toHaveBeenLastCalledWith({});
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('leaves the CSP to the dev server page in development', () => {
    hardenSession(session, { csp: false });
    expect(fakeElectron.session.defaultSession.webRequest.onHeadersReceived).not.toHaveBeenCalled();
  });
});

describe('app page URL', () => {
  it('is the file URL of the built index.html, or the dev server', () => {
    expect(appPageUrl(appLocations(mainDir, {})).href).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html$/);
    expect(appPageUrl(appLocations(mainDir, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).origin).toBe('http://localhost:5173');
  });
});
