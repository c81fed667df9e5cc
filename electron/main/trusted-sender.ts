/** The parts of an IPC sender frame the check reads (Electron's WebFrameMain has them). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * Whether an IPC message comes from this app's own page: the top frame, showing exactly the built
 * index.html (file://, any query or hash) or, in development, a page of the dev server's origin. A frame
 * that navigated elsewhere, an iframe, or a destroyed frame (null) is refused.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appPage: URL): boolean {
  if (!frame || frame.parent) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  if (appPage.protocol === 'file:') return url.protocol === 'file:' && url.host === appPage.host && url.pathname === appPage.pathname;
  return url.origin === appPage.origin;
}
