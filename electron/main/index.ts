// Electron main entry (bundled by electron-vite to out/main/index.js, ESM). Composition only.
import { resolve } from 'node:path';
import { app, dialog } from 'electron';
import { createElectronShell } from './app-shell.ts';
import { runDesktopApp } from './lifecycle.ts';
import { appLocations } from './paths.ts';
import { useBundledWorkerEntries } from './worker-entries.ts';

useBundledWorkerEntries();
// A separate profile (tests, a second configuration) must be chosen before the single-instance lock is taken.
if (process.env.DPROC_USER_DATA_DIR) app.setPath('userData', resolve(process.env.DPROC_USER_DATA_DIR));

runDesktopApp({ locations: appLocations(), shell: createElectronShell(), env: process.env }).catch((err: unknown) => {
  dialog.showErrorBox('Distributed Processor failed', err instanceof Error ? (err.stack ?? err.message) : String(err));
  app.exit(1);
});
