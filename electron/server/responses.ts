import type { ServerResponse } from 'node:http';
import { contentSecurityPolicy } from '../../shared/csp.ts';

/** The app's one policy (shared/csp.ts), as this carrier sends it in a header. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ websocket: true });

/** Headers every response carries, whatever its status. */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

/** A small HTML page for errors a person sees in the browser (no token, build missing…). */
export function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dproc: ${escapeHtml(title)}</title></head>` +
    `<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">` +
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>\n`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
  res.end(res.req.method === 'HEAD' ? undefined : html);
}

/** A plain-text error, for answers nobody reads in a page (wrong host, bad path). */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) + 1 });
  res.end(res.req.method === 'HEAD' ? undefined : `${text}\n`);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
