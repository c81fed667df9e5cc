import { join } from 'node:path';
import { BrowserWindow, ipcMain, session } from 'electron';
import { APP_DEFAULT_ON_FAILURE, createApiService, type ApiService } from '../api/index.ts';
import { Engine } from '../engine/engine.ts';
import type { AppShell } from './app-shell.ts';
import { WindowSinks } from './event-sink.ts';
import { registerIpcHandlers } from './ipc.ts';
import { DESKTOP_CHANNELS } from './ipc-protocol.ts';
import { installMenu, type MenuModel } from './menu.ts';
import { RunNotifier } from './notifications.ts';
import { appPageUrl, type AppLocations } from './paths.ts';
import { RecentJobs } from './recent-jobs.ts';
import { createMainWindow, hardenSession } from './window.ts';

/** Everything the desktop app is started with (index.ts reads it from Electron and the environment). */
export interface DesktopAppOptions {
  locations: AppLocations;
  shell: AppShell;
  /** The run store's folder. */
  dataDir: string;
  /** userData: recent jobs are kept here. */
  userData: string;
  examplesDir: string;
  platform: NodeJS.Platform;
  helpLinks?: MenuModel['helpLinks'];
}

/**
 * The running desktop app: one engine and API service, one main window, the IPC handlers, menu and
 * notifier around them. Thin on purpose: every decision about runs lives in the engine and electron/api.
 */
export class DesktopApp {
  readonly engine: Engine;
  readonly service: ApiService;
  readonly recent: RecentJobs;
  private readonly options: DesktopAppOptions;
  private readonly notifier: RunNotifier;
  private readonly unregisterIpc: () => void;
  private win: BrowserWindow | undefined;
  private examples: MenuModel['examples'] = [];
  private closing: Promise<void> | undefined;

  /** Opens the engine in `dataDir` and wires IPC, menu and notifications; call once Electron is ready. */
  static start(options: DesktopAppOptions): DesktopApp {
    return new DesktopApp(options, Engine.open({ dataDir: options.dataDir, defaultOnFailure: APP_DEFAULT_ON_FAILURE }));
  }

  private constructor(options: DesktopAppOptions, engine: Engine) {
    this.options = options;
    this.engine = engine;
    this.recent = new RecentJobs(join(options.userData, 'recent-jobs.json'));
    this.service = createApiService(engine, {
      examplesDir: options.examplesDir,
      recentJobs: () => this.recent.list(),
      // The user picks files in a native dialog here; serve mode is the one that must fence paths.
      allowAnyPath: true,
      defaultOnFailure: APP_DEFAULT_ON_FAILURE,
    });
    const sinks = new WindowSinks(this.service.bridge);
    // The dev server's page needs its own inline preamble; its CSP comes from the dev plugin instead.
    hardenSession(session.defaultSession, { csp: !options.locations.devServerUrl });
    this.unregisterIpc = registerIpcHandlers({
      ipcMain,
      handlers: this.service.handlers,
      appPage: appPageUrl(options.locations),
      sinkFor: (contents) => sinks.for(contents),
      pickJobFile: (contents) => this.pickJobFile(BrowserWindow.fromWebContents(contents) ?? undefined),
      onCommandDone: (command, request) => {
        if (command === 'startRun') this.remember((request as { path: string }).path);
      },
    });
    this.notifier = new RunNotifier({
      engine,
      shell: options.shell,
      window: () => this.win,
      focusWindow: () => this.showWindow(),
    });
    this.recent.onChange(() => this.refreshMenu());
    this.refreshMenu();
    void this.loadExamples();
  }

  /** The main window, if one is open. */
  get window(): BrowserWindow | undefined {
    return this.win;
  }

  /** Shows the main window, creating it if it was closed (macOS keeps the app alive without one). */
  showWindow(): BrowserWindow {
    if (!this.win || this.win.isDestroyed()) {
      const win = createMainWindow(this.options.locations, this.options.shell);
      win.on('closed', () => {
        if (this.win === win) this.win = undefined;
      });
      this.win = win;
    } else {
      if (this.win.isMinimized()) this.win.restore();
      this.win.focus();
    }
    return this.win;
  }

  /** Hands a job file to the page's launcher (File menu, Open Recent, a file given to a second instance). */
  openJob(path: string): void {
    this.remember(path);
    const win = this.showWindow();
    const send = () => win.webContents.send(DESKTOP_CHANNELS.openJob, path);
    if (win.webContents.isLoading()) win.webContents.once('did-finish-load', send);
    else send();
  }

  /** File › Open Job…: the native dialog, then the launcher. */
  async openJobDialog(): Promise<void> {
    const path = await this.pickJobFile(this.win);
    if (path) this.openJob(path);
  }

  /**
   * Stops cleanly: no more IPC or batches, then every coordinator is released (its journal committed,
   * ownership given up, workers stopped), so a run still in flight reads as INTERRUPTED and resumes later.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unregisterIpc();
      this.notifier.close();
      this.service.close();
      await this.engine.close();
    })();
    return this.closing;
  }

  private async pickJobFile(parent: BrowserWindow | undefined): Promise<string | undefined> {
    const path = await this.options.shell.pickJobFile(parent, this.recent.list()[0] ?? this.options.examplesDir);
    if (path) this.remember(path);
    return path;
  }

  private remember(path: string): void {
    this.recent.add(path);
    this.options.shell.addRecentDocument(path);
  }

  /** File › Examples lists what the launcher lists as examples (read once; they change only with the app). */
  private async loadExamples(): Promise<void> {
    const { jobs } = await this.service.handlers.listJobs({}).catch(() => ({ jobs: [] }));
    this.examples = jobs.filter((j) => j.source === 'example').map(({ name, path }) => ({ name, path }));
    this.refreshMenu();
  }

  private refreshMenu(): void {
    installMenu(
      {
        platform: this.options.platform,
        recent: this.recent.list(),
        examples: this.examples,
        helpLinks: this.options.helpLinks ?? [],
        dev: !!this.options.locations.devServerUrl,
      },
      {
        openJobDialog: () => void this.openJobDialog().catch(() => {}),
        openJob: (path) => this.openJob(path),
        clearRecent: () => {
          this.recent.clear();
          this.options.shell.clearRecentDocuments();
        },
        showDataFolder: () => void this.options.shell.openPath(this.engine.dataDir).catch(() => {}),
        openLink: (url) => void this.options.shell.openExternal(url).catch(() => {}),
      },
    );
  }
}
