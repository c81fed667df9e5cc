import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { COMMAND_NAMES, type CommandName } from '../../shared/contract.ts';
import { API_ERROR_CODES, dispatch, type ApiHandlers, type EventSink } from '../api/index.ts';
import { commandChannel, DESKTOP_CHANNELS, IPC_ERROR_CODES, type IpcReply, type PickJobFileResponse } from './ipc-protocol.ts';
import { isTrustedSender, type SenderFrame } from './trusted-sender.ts';

/** What the IPC layer needs from the rest of main. */
export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** The shared contract handlers (they validate every payload). */
  handlers: ApiHandlers;
  /** The app's own page: only frames showing it may call. */
  appPage: URL;
  /** The event sink of the window a request came from (subscribe/unsubscribe attach to it). */
  sinkFor(contents: WebContents): EventSink;
  /** Shows the native Open dialog for the window that asked; undefined when cancelled. */
  pickJobFile(contents: WebContents): Promise<string | undefined>;
  /** Told after a command succeeded (main keeps its recent-jobs list from startRun). */
  onCommandDone?(command: CommandName, request: unknown): void;
}

function senderFrameOf(event: IpcMainInvokeEvent): SenderFrame | null {
  try {
    return event.senderFrame;
  } catch {
    return null; // the frame was disposed while the message was in flight
  }
}

function refused(channel: string): IpcReply {
  return { ok: false, error: { code: IPC_ERROR_CODES.UNTRUSTED_SENDER, message: `${channel}: refused, the sender is not this app's page` } };
}

/**
 * Registers one `ipcMain.handle` per contract command, plus the desktop extras. Each checks the sender
 * before anything else, then goes through the shared handlers; every reply is an IpcReply envelope.
 * Returns a function that removes them all.
 */
export function registerIpcHandlers(deps: IpcDeps): () => void {
  const channels: string[] = [];
  const handle = (channel: string, run: (event: IpcMainInvokeEvent, request: unknown) => Promise<IpcReply>) => {
    deps.ipcMain.handle(channel, (event, request: unknown) => {
      if (!isTrustedSender(senderFrameOf(event), deps.appPage)) return refused(channel);
      return run(event, request);
    });
    channels.push(channel);
  };

  for (const command of COMMAND_NAMES) {
    handle(commandChannel(command), async (event, request) => {
      const reply = await dispatch(deps.handlers, command, request, { sink: deps.sinkFor(event.sender) });
      if (reply.ok) deps.onCommandDone?.(command, request);
      return reply;
    });
  }

  handle(DESKTOP_CHANNELS.pickJobFile, async (event) => {
    try {
      const path = await deps.pickJobFile(event.sender);
      const response: PickJobFileResponse = path === undefined ? {} : { path };
      return { ok: true, response };
    } catch (err) {
      return { ok: false, error: { code: API_ERROR_CODES.INTERNAL, message: err instanceof Error ? err.message : String(err) } };
    }
  });

  return () => {
    for (const channel of channels) deps.ipcMain.removeHandler(channel);
  };
}
