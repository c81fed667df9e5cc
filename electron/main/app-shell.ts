import { app, dialog, Notification, shell, type BrowserWindow } from 'electron';

/** Taskbar / dock progress: a fraction in [0, 1], or null to clear it. `paused` marks a run waiting for a person. */
export type TaskbarProgress = { fraction: number; mode: 'normal' | 'paused' | 'error' } | null;

/**
 * The OS-facing actions main performs, behind one small interface (GitHub Desktop's IAppShell) so menu,
 * IPC and notification logic are tested with a fake instead of a mocked desktop.
 */
export interface AppShell {
  /** Opens an http(s) URL in the user's browser. */
  openExternal(url: string): Promise<void>;
  /** Opens a folder or file with the OS default handler (the data folder, the examples). */
  openPath(path: string): Promise<void>;
  /** Native Open dialog for one job file; undefined when cancelled. */
  pickJobFile(parent: BrowserWindow | undefined, defaultPath?: string): Promise<string | undefined>;
  /** Adds a file to the OS recent-documents list (macOS dock menu, Windows jump list). */
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
  /** A system notification; `onClick` runs when the user clicks it. */
  notify(title: string, body: string, onClick?: () => void): void;
  setProgress(win: BrowserWindow, progress: TaskbarProgress): void;
}

/** Job files the Open dialog offers. */
export const JOB_FILE_FILTERS = [
  { name: 'Job files', extensions: ['yaml', 'yml', 'json'] },
  { name: 'All files', extensions: ['*'] },
];

/** The real shell, on Electron's APIs. */
export function createElectronShell(): AppShell {
  return {
    openExternal: (url) => shell.openExternal(url),
    async openPath(path) {
      const error = await shell.openPath(path);
      if (error) throw new Error(`cannot open ${path}: ${error}`);
    },
    async pickJobFile(parent, defaultPath) {
      const options = { title: 'Open job', defaultPath, filters: JOB_FILE_FILTERS, properties: ['openFile' as const] };
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled ? undefined : result.filePaths[0];
    },
    addRecentDocument: (path) => app.addRecentDocument(path),
    clearRecentDocuments: () => app.clearRecentDocuments(),
    notify(title, body, onClick) {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title, body });
      if (onClick) n.on('click', onClick);
      n.show();
    },
    setProgress(win, progress) {
      if (win.isDestroyed()) return;
      // -1 removes the bar; mode is honoured on Windows and ignored elsewhere.
      if (progress === null) win.setProgressBar(-1);
      else win.setProgressBar(Math.min(1, Math.max(0, progress.fraction)), { mode: progress.mode });
    },
  };
}
