import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { COMMAND_NAMES, type ApiError, type DprocApi } from '../../shared/contract.ts';
import type { EventBatch } from '../../shared/events.ts';
import { commandChannel, DESKTOP_CHANNELS, IPC_EVENTS_CHANNEL, type IpcReply, type PickJobFileResponse } from '../main/ipc-protocol.ts';

/** Desktop-only additions to window.dproc (mirrors the renderer's `DesktopExtras`). */
export interface DesktopExtras {
  /** Opens the native Open dialog; resolves to the chosen job file, or null when cancelled. */
  pickJobFile(): Promise<string | null>;
  /** Called with a job file the user opened from the File menu (Open…, Open Recent, Examples). */
  onOpenJob(listener: (path: string) => void): () => void;
}

/** What the preload exposes as window.dproc: the contract's commands, onEvents, and the desktop extras. */
export type DesktopApi = DprocApi & DesktopExtras;

/** The only parts of ipcRenderer the API uses (so tests can pass a fake). */
export type IpcInvoker = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/**
 * A rejected command's reason. A plain object on purpose: contextBridge rebuilds a thrown Error in the
 * page's world from its message alone, so an Error's `code` would be lost; a plain object is copied whole.
 */
export interface DprocCallError extends ApiError {
  name: 'DprocCallError';
}

async function call<T>(ipc: IpcInvoker, channel: string, request: unknown): Promise<T> {
  const reply = (await ipc.invoke(channel, request)) as IpcReply<T>;
  if (reply.ok) return reply.response;
  const error: DprocCallError = { name: 'DprocCallError', code: reply.error.code, message: reply.error.message };
  throw error;
}

function listen<T>(ipc: IpcInvoker, channel: string, listener: (value: T) => void): () => void {
  // Only the payload goes to the page: the IpcRendererEvent would hand it `sender` (ipcRenderer itself).
  const wrapped = (_event: IpcRendererEvent, value: T) => listener(value);
  ipc.on(channel, wrapped);
  return () => {
    ipc.removeListener(channel, wrapped);
  };
}

/** Builds window.dproc from the contract's command list; every function closes over `ipc`, none returns it. */
export function createDesktopApi(ipc: IpcInvoker): DesktopApi {
  const api: Record<string, unknown> = {};
  for (const command of COMMAND_NAMES) api[command] = (request: unknown) => call(ipc, commandChannel(command), request ?? {});
  const extras: DesktopExtras & Pick<DprocApi, 'onEvents'> = {
    onEvents: (listener) => listen<EventBatch>(ipc, IPC_EVENTS_CHANNEL, listener),
    pickJobFile: async () => (await call<PickJobFileResponse>(ipc, DESKTOP_CHANNELS.pickJobFile, {})).path ?? null,
    onOpenJob: (listener) => listen<string>(ipc, DESKTOP_CHANNELS.openJob, listener),
  };
  return Object.freeze({ ...api, ...extras }) as DesktopApi;
}
