// The IPC wire protocol between this app's preload and main. Pure constants and types (no electron import),
// so the sandboxed preload bundle and main both compile against the same names.
import { IPC_COMMAND_PREFIX, IPC_EVENTS_CHANNEL, type ApiError, type CommandName } from '../../shared/contract.ts';

export { IPC_EVENTS_CHANNEL };

/** The invoke channel of a contract command: `dproc:<command>`. */
export function commandChannel(command: CommandName): string {
  return IPC_COMMAND_PREFIX + command;
}

/**
 * Desktop-only channels beside the contract (the renderer's `DesktopExtras`): a native Open dialog, and
 * the main → renderer notice that the File menu opened a job. They are not contract commands because
 * `dproc serve` has no native dialog to offer.
 */
export const DESKTOP_CHANNELS = {
  pickJobFile: 'dproc:desktop:pick-job-file',
  openJob: 'dproc:desktop:open-job',
} as const;

/** What `dproc:desktop:pick-job-file` answers: the chosen job file, absent when the dialog was cancelled. */
export interface PickJobFileResponse {
  path?: string;
}

/**
 * Every invoke handler resolves (never rejects) with this envelope: a rejection from ipcMain.handle reaches
 * the renderer as a bare message ("Error invoking remote method…"), losing the stable error code.
 */
export type IpcReply<T = unknown> = { ok: true; response: T } | { ok: false; error: ApiError };

/** Main-side refusals that happen before a request reaches the API handlers. */
export const IPC_ERROR_CODES = {
  /** The invoking frame is not this app's own page (another origin, a subframe, or a destroyed frame). */
  UNTRUSTED_SENDER: 'DPROC_E_UNTRUSTED_SENDER',
} as const;
