import { BrowserWindow, type Session, type WebContents, type WebPreferences } from 'electron';
import type { AppShell } from './app-shell.ts';
import { appPageUrl, type AppLocations } from './paths.ts';
import { contentSecurityPolicy } from '../../shared/csp.ts';

/** The app's one policy (shared/csp.ts), as this carrier sends it in a header. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ websocket: false });

/** webPreferences for every window: isolated, sandboxed, no Node in the page, the preload as its only bridge. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Only these leave the app, and only to the user's browser. */
export function isExternalLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The page may never navigate away or open windows: a navigation is cancelled (an http(s) target goes to
 * the browser instead), window.open is always denied, and so is attaching a <webview>.
 */
export function guardWebContents(contents: WebContents, shell: Pick<AppShell, 'openExternal'>): void {
  const openOutside = (url: string) => {
    if (isExternalLink(url)) shell.openExternal(url).catch(() => {});
  };
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openOutside(url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

/**
 * Session-wide hardening: the CSP header on every document, and no web permission (camera, geolocation,
 * notifications…) for anything; the app's notifications come from main.
 */
export function hardenSession(session: Session, { csp = true } = {}): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  if (!csp) return;
  session.webRequest.onHeadersReceived((details, callback) => {
    if (details.resourceType !== 'mainFrame' && details.resourceType !== 'subFrame') return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/** Creates the main window (hidden until its first paint), guarded, showing the app page. */
export function createMainWindow(locations: AppLocations, shell: Pick<AppShell, 'openExternal'>): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Distributed Processor',
    backgroundColor: '#101418',
    webPreferences: secureWebPreferences(locations.preload),
  });
  guardWebContents(win.webContents, shell);
  win.once('ready-to-show', () => win.show());
  const page = appPageUrl(locations);
  // A load failure is visible as an empty window; the rejection itself has nowhere better to go.
  const loading = page.protocol === 'file:' ? win.loadFile(locations.rendererIndex) : win.loadURL(page.href);
  loading.catch(() => {});
  return win;
}
