// A small stand-in for the `electron` module (no Electron binary can be downloaded here, and
// `import 'electron'` fails in plain Node). Main-process tests use it with:
//   vi.mock('electron', async () => (await import('./main-fake-electron.ts')).fakeElectron);
// It records what main asks of Electron (window options, IPC handlers, sent messages, menus, notifications)
// and lets a test play Electron's part (emit will-navigate, invoke a handler from a given frame URL).
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

/** A WebContents: an EventEmitter with the methods main calls. */
export class FakeWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  destroyed = false;
  loading = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly send = vi.fn();
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isLoading(): boolean {
    return this.loading;
  }
  /** Plays Electron: a navigation attempt; returns whether main prevented it. */
  navigate(url: string): boolean {
    const event = { preventDefault: vi.fn() };
    this.emit('will-navigate', event, url);
    return event.preventDefault.mock.calls.length > 0;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

/** A BrowserWindow that records its options and never shows anything. */
export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> };
  readonly webContents = new FakeWebContents();
  readonly loadFile = vi.fn(async (_path: string) => {});
  readonly loadURL = vi.fn(async (_url: string) => {});
  readonly setProgressBar = vi.fn();
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  focused = false;
  destroyed = false;

  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.all.push(this);
  }
  static fromWebContents(contents: unknown): FakeBrowserWindow | null {
    return FakeBrowserWindow.all.find((w) => w.webContents === contents) ?? null;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isMinimized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

/** A system notification; `shown` lists every one shown since the last reset. */
export class FakeNotification extends EventEmitter {
  static shown: FakeNotification[] = [];
  static isSupported(): boolean {
    return true;
  }
  readonly options: { title: string; body: string };
  constructor(options: { title: string; body: string }) {
    super();
    this.options = options;
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}

const handlers = new Map<string, Handler>();
const paths: Record<string, string> = {};

const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  requestSingleInstanceLock: vi.fn(() => true),
  whenReady: vi.fn(async () => {}),
  getPath: vi.fn((name: string) => {
    if (!paths[name]) throw new Error(`fake electron: app.getPath("${name}") not set by the test`);
    return paths[name];
  }),
  setPath: vi.fn((name: string, value: string) => {
    paths[name] = value;
  }),
  getAppPath: vi.fn(() => process.cwd()),
  getVersion: vi.fn(() => '0.0.0-test'),
  quit: vi.fn(),
  exit: vi.fn(),
  addRecentDocument: vi.fn(),
  clearRecentDocuments: vi.fn(),
});

const ipcMain = {
  handle: vi.fn((channel: string, handler: Handler) => {
    // Electron throws on a second handler for one channel; so does this fake.
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, handler);
  }),
  removeHandler: vi.fn((channel: string) => {
    handlers.delete(channel);
  }),
  /** The registered handlers by channel. */
  handlers,
  /** Plays the renderer: invokes `channel` as the top frame at `frameUrl` of `sender`. */
  async invoke(channel: string, request: unknown, frameUrl: string, sender: FakeWebContents = new FakeWebContents(), parent: unknown = null) {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ sender, senderFrame: { url: frameUrl, parent } }, request);
  },
};

const webRequest = { onHeadersReceived: vi.fn() };
const defaultSession = {
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
  webRequest,
};

/** The fake module, shaped like the parts of `electron` main and preload import. */
export const fakeElectron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Notification: FakeNotification,
  ipcMain,
  session: { defaultSession },
  shell: { openExternal: vi.fn(async (_url: string) => {}), openPath: vi.fn(async (_path: string) => '') },
  dialog: {
    showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
    showErrorBox: vi.fn(),
  },
  Menu: {
    setApplicationMenu: vi.fn(),
    buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
  },
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  /** Forgets every window, handler, path, notification and call, between tests. */
  reset(): void {
    vi.clearAllMocks();
    handlers.clear();
    for (const k of Object.keys(paths)) delete paths[k];
    app.removeAllListeners();
    app.isPackaged = false;
    FakeBrowserWindow.all = [];
    FakeNotification.shown = [];
  },
};
