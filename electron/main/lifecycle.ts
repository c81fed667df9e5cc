import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { app, dialog } from 'electron';
import type { AppShell } from './app-shell.ts';
import { DesktopApp } from './desktop-app.ts';
import { prepareExamplesDir } from './examples.ts';
import type { AppLocations } from './paths.ts';

/** How long quitting waits for the engine to release its runs before it quits anyway. */
export const QUIT_GRACE_MS = 10_000;

/** How the app is started: where its pieces are, the shell, and the environment it reads. */
export interface LaunchOptions {
  locations: AppLocations;
  shell: AppShell;
  env: NodeJS.ProcessEnv;
  helpLinks?: { label: string; url: string }[];
}

/** The run store's folder: `$DPROC_DATA_DIR`, else `<userData>/runs` (userData's top level is Chromium's). */
export function desktopDataDir(env: NodeJS.ProcessEnv, userData: string): string {
  return env.DPROC_DATA_DIR ? resolve(env.DPROC_DATA_DIR) : join(userData, 'runs');
}

/** The examples the launcher offers: `$DPROC_EXAMPLES_DIR` (tests, a team's own set), else the bundled ones. */
export function desktopExamplesDir(env: NodeJS.ProcessEnv, userData: string): string {
  if (env.DPROC_EXAMPLES_DIR) return resolve(env.DPROC_EXAMPLES_DIR);
  return prepareExamplesDir({
    packaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    userData,
    version: app.getVersion(),
  });
}

/** A job file named on a command line (a second launch, "Open with…"), if any. */
export function jobFileInArgs(argv: readonly string[], cwd: string): string | undefined {
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    const path = resolve(cwd, arg);
    if (['.yaml', '.yml', '.json'].includes(extname(path).toLowerCase()) && existsSync(path)) return path;
  }
  return undefined;
}

/**
 * The app's lifecycle: one instance (a second launch focuses the first and hands it its job file), the
 * engine opened once Electron is ready, and a quit that waits for the engine to release its runs.
 * Resolves with the running app, or undefined when another instance already runs.
 */
export async function runDesktopApp(options: LaunchOptions): Promise<DesktopApp | undefined> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  let desktop: DesktopApp | undefined;
  const pendingJobs: string[] = [];
  const openJob = (path: string) => (desktop ? desktop.openJob(path) : pendingJobs.push(path));

  app.on('second-instance', (_event, argv, cwd) => {
    const job = jobFileInArgs(argv, cwd);
    if (job) openJob(job);
    else desktop?.showWindow();
  });
  // macOS hands files to the running app (dock drop, Finder "Open with"), possibly before ready.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openJob(path);
  });
  app.on('window-all-closed', () => {
    // macOS apps stay alive without windows, and their runs keep going; elsewhere closing the window quits.
    if (process.platform !== 'darwin') app.quit();
  });
  let released = false;
  app.on('before-quit', (event) => {
    if (released || !desktop) return;
    event.preventDefault();
    // A stuck worker must not keep the app from quitting; the journal is crash-safe, so a late quit loses nothing.
    const grace = new Promise((resolve) => setTimeout(resolve, QUIT_GRACE_MS).unref());
    void Promise.race([desktop.close(), grace]).finally(() => {
      released = true;
      app.quit();
    });
  });

  await app.whenReady();
  const userData = app.getPath('userData');
  try {
    desktop = DesktopApp.start({
      locations: options.locations,
      shell: options.shell,
      dataDir: desktopDataDir(options.env, userData),
      userData,
      examplesDir: desktopExamplesDir(options.env, userData),
      platform: process.platform,
      helpLinks: options.helpLinks,
    });
  } catch (err) {
    // A locked or unreadable store: say so instead of showing an empty window that cannot run anything.
    dialog.showErrorBox('Distributed Processor could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
    return undefined;
  }
  app.on('activate', () => desktop?.showWindow());
  desktop.showWindow();
  const initial = jobFileInArgs(process.argv, process.cwd());
  for (const path of initial ? [initial, ...pendingJobs] : pendingJobs) desktop.openJob(path);
  return desktop;
}
