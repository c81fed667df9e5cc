import type { DprocApi } from '../../../shared/contract.ts';

/** Where the UI is in its connection to whatever owns the engine. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

/**
 * Desktop-only extras the Electron preload adds to `window.dproc` beside the contract commands
 * (electron/preload/api.ts). `pickJobFile` opens the native "Open…" dialog and resolves to the chosen job
 * file (null when cancelled).
 */
export interface DesktopExtras {
  pickJobFile?: () => Promise<string | null>;
  /** A job file the user opened from the File menu (Open…, Open Recent, Examples). */
  onOpenJob?: (listener: (path: string) => void) => () => void;
}

/** The contract client plus what the UI needs to know about the pipe it runs over. */
export interface Carrier {
  kind: 'electron' | 'websocket' | 'fake';
  api: DprocApi;
  connection(): ConnectionState;
  /** `reconnected` is true when a connection opened after an earlier one was lost (subscriptions are gone). */
  onConnection(listener: (state: ConnectionState, reconnected: boolean) => void): () => void;
  pickJobFile?: () => Promise<string | null>;
  onOpenJob?: (listener: (path: string) => void) => () => void;
}

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a browser. */
    dproc?: DprocApi & DesktopExtras;
  }
}
