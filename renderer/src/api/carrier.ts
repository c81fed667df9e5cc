import { readToken } from './token.ts';
import type { Carrier } from './types.ts';
import { createWebSocketCarrier, socketUrl } from './ws-client.ts';

/** Electron gives window.dproc through its preload; anywhere else the page talks to `dproc serve`. */
export function selectCarrier(): Carrier {
  const desktop = window.dproc;
  if (desktop) {
    return {
      kind: 'electron',
      api: desktop,
      connection: () => 'open',
      onConnection: () => () => {},
      pickJobFile: desktop.pickJobFile ? () => desktop.pickJobFile!() : undefined,
      onOpenJob: desktop.onOpenJob ? (listener) => desktop.onOpenJob!(listener) : undefined,
    };
  }
  return createWebSocketCarrier({ url: socketUrl(window.location, readToken()) });
}
