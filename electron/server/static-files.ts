import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { isInside } from '../api/job-catalog.ts';
import { sendPage, sendText } from './responses.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type for a file name; unknown kinds are bytes (nosniff keeps browsers from guessing). */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Where a request path points inside the build folder, or the status to refuse it with. */
export type StaticTarget = { ok: true; relative: string[] } | { ok: false; status: 400 | 403 | 404 };

/**
 * Checks a raw request path (before any decoding) and splits it into folder names under the build root.
 * Refuses instead of normalising: `..` and `.` segments (also as %2e), encoded or back slashes, NUL,
 * `//`, hidden files, and anything not starting with `/`.
 */
export function staticTarget(rawPath: string): StaticTarget {
  if (!rawPath.startsWith('/') || rawPath.startsWith('//')) return { ok: false, status: 403 };
  if (/[\\\0]|%(2f|5c|00)/i.test(rawPath)) return { ok: false, status: 403 };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded === '/') return { ok: true, relative: ['index.html'] };
  const parts = decoded.slice(1).split('/');
  for (const p of parts) {
    if (p === '..' || p === '.' || p === '') return { ok: false, status: 403 };
    if (p.startsWith('.')) return { ok: false, status: 404 };
  }
  return { ok: true, relative: parts };
}

/** Serves a file of the built renderer; never anything outside `root`, even through a symlink. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, rawPath: string): Promise<void> {
  const target = staticTarget(rawPath);
  if (!target.ok) return sendText(res, target.status, target.status === 404 ? 'not found' : 'refused: that path is not part of the app');
  const absRoot = resolve(root);
  const realRoot = await realpath(absRoot).catch(() => undefined);
  if (!realRoot || (await stat(join(absRoot, 'index.html')).catch(() => undefined)) === undefined) return sendBuildMissing(res, absRoot);
  const file = join(absRoot, ...target.relative);
  if (!isInside(absRoot, file)) return sendText(res, 403, 'refused: that path is not part of the app');
  const real = await realpath(file).catch(() => undefined);
  if (!real) return sendText(res, 404, 'not found');
  if (!isInside(realRoot, real)) return sendText(res, 403, 'refused: that path is not part of the app');
  const info = await stat(real);
  if (!info.isFile()) return sendText(res, 404, 'not found');
  res.writeHead(200, {
    'Content-Type': contentTypeOf(real),
    'Content-Length': info.size,
    // Built assets have content hashes in their names; index.html must be fetched again to find new ones.
    'Cache-Control': target.relative[0] === 'assets' ? 'private, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(real);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function sendBuildMissing(res: ServerResponse, root: string): void {
  sendPage(
    res,
    500,
    'The app is not built yet',
    `dproc serve found no built renderer in ${root}. Run "npm run build" first (it writes out/renderer/), then reload this page. The WebSocket API at /ws works meanwhile.`,
  );
}
