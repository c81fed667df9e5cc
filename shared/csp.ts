/**
 * The one Content-Security-Policy of the app. renderer/index.html carries the same directives as a <meta>
 * (the only delivery a file:// page is guaranteed to honour); carriers add it as a header, which must never
 * be looser. `websocket`: the browser carrier talks over ws:/wss:, Electron over IPC only.
 */
export function contentSecurityPolicy(opts: { websocket: boolean }): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'", // React Flow positions nodes with inline styles
    "img-src 'self' data:",
    "font-src 'self'",
    opts.websocket ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'", // only a header can say this; the <meta> copy leaves it out
  ].join('; ');
}
