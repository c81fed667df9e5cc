// Sandboxed preload (bundled to CommonJS out/preload/index.cjs): exposes window.dproc and nothing else.
// Never exposes ipcRenderer itself: the page can reach only the channels the contract names.
import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopApi } from './api.ts';

contextBridge.exposeInMainWorld('dproc', createDesktopApi(ipcRenderer));
