import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { createApiService, type ApiService } from '../api/api-service.ts';
import type { EventBridgeOptions } from '../api/event-bridge.ts';
import type { Engine } from '../engine/engine.ts';
import { AccessPolicy, newToken } from './access.ts';
import { CLOSE_CODES, MAX_FRAME_BYTES } from './protocol.ts';
import { sendPage, sendText, setSecurityHeaders } from './responses.ts';
import { serveStatic } from './static-files.ts';
import { serveConnection } from './ws-carrier.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/** Loopback only, unless `--host` says otherwise. */
export const DEFAULT_HOST = '127.0.0.1';
/** The port `dproc serve` uses without `--port`. */
export const DEFAULT_PORT = 8765;
/** Where electron-vite builds the renderer (`npm run build`). */
export const DEFAULT_STATIC_DIR = join(REPO_ROOT, 'out', 'renderer');
/** The repository's example jobs, always offered by listJobs. */
export const DEFAULT_EXAMPLES_DIR = join(REPO_ROOT, 'examples');

/** How `startServer` listens, what it serves, and the engine behind it. */
export interface ServerOptions {
  /** An engine opened with `defaultOnFailure: APP_DEFAULT_ON_FAILURE`; the caller closes it after the server. */
  engine: Engine;
  /** Interface to bind. Default 127.0.0.1: only this machine can connect. */
  host?: string;
  /** Default 8765; 0 picks a free port. */
  port?: number;
  staticDir?: string;
  examplesDir?: string;
  /** Searched for job files, and the only other place jobs may be loaded from. */
  workspaceDir?: string;
  /** Default: 32 random bytes as hex. */
  token?: string;
  /** How often dead sockets are found with a ping (ms). Default 30,000. */
  heartbeatMs?: number;
  bridge?: EventBridgeOptions;
}

/** A running `dproc serve`. */
export interface DprocServer {
  /** The address to open: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  /** `http://127.0.0.1:PORT` (what a page of this server sends as Origin). */
  origin: string;
  port: number;
  token: string;
  staticDir: string;
  api: ApiService;
  /** Closes sockets (1001), stops the API and the HTTP server. The engine stays open. */
  close(): Promise<void>;
}

/** Starts the HTTP server (built renderer) and the WebSocket carrier at /ws, behind a token. */
export async function startServer(opts: ServerOptions): Promise<DprocServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const staticDir = resolve(opts.staticDir ?? DEFAULT_STATIC_DIR);
  const token = opts.token ?? newToken();
  const api = createApiService(opts.engine, {
    examplesDir: opts.examplesDir ?? DEFAULT_EXAMPLES_DIR,
    workspaceDir: opts.workspaceDir,
    allowAnyPath: false,
    bridge: opts.bridge,
  });
  // Not imported at the top: the CLI bundle holds this module, and node:http costs every `dproc run` 2-6 ms.
  const http = process.getBuiltinModule('node:http').createServer();
  try {
    await listen(http, opts.port ?? DEFAULT_PORT, host);
  } catch (err) {
    api.close();
    throw err;
  }
  const port = (http.address() as AddressInfo).port;
  const access = new AccessPolicy({ token, host, port });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const alive = new Map<WebSocket, boolean>();

  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res, access, staticDir).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
    // Before the handshake: a page on another origin, or reached through another host name, gets nothing.
    if (!access.isAllowedHost(req.headers.host) || !access.isAllowedOrigin(req.headers.origin)) return refuseUpgrade(socket, 403, 'Forbidden');
    const { result } = access.checkToken(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A browser cannot see an HTTP status on a failed upgrade; a close code lets the page say "wrong token".
      if (result !== 'valid') return ws.close(result === 'missing' ? CLOSE_CODES.NO_TOKEN : CLOSE_CODES.BAD_TOKEN, `token ${result}`);
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      ws.on('close', () => alive.delete(ws));
      serveConnection(ws, api);
    });
  });
  const heartbeat = setInterval(() => {
    for (const [ws, ok] of alive) {
      if (!ok) ws.terminate();
      else {
        alive.set(ws, false);
        ws.ping();
      }
    }
  }, opts.heartbeatMs ?? 30_000);
  heartbeat.unref();

  const origin = `http://${urlHost(host)}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    staticDir,
    api,
    async close() {
      clearInterval(heartbeat);
      api.close();
      await closeSockets([...alive.keys()]);
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    },
  };
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, access: AccessPolicy, staticDir: string): Promise<void> {
  setSecurityHeaders(res);
  // DNS rebinding: a foreign page that made its own name resolve to 127.0.0.1 still sends its own Host.
  if (!access.isAllowedHost(req.headers.host)) return sendText(res, 403, 'refused: unknown Host; open the address dproc serve printed');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, 'method not allowed');
  }
  const rawPath = (req.url ?? '/').split(/[?#]/)[0];
  if (rawPath === '/favicon.ico') {
    res.writeHead(204); // browsers always ask; the app has no icon of its own to give
    res.end();
    return;
  }
  const token = access.checkToken(req);
  if (token.result === 'missing') {
    return sendPage(res, 401, 'This address needs its token', 'Open the address dproc serve printed in its terminal: it ends in ?token=….');
  }
  if (token.result === 'wrong') {
    return sendPage(res, 403, 'Wrong token', 'The token changes each time dproc serve starts: open the address it printed this time.');
  }
  // The page's scripts, styles and worker load without the query; the cookie carries the token for them.
  if (token.fromQuery) res.setHeader('Set-Cookie', access.cookie());
  if (rawPath === '/ws') return sendText(res, 426, 'upgrade required: /ws is the WebSocket endpoint');
  await serveStatic(req, res, staticDir, rawPath);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
}

/** Polite close (1001) for every socket; one that does not answer within a second is cut. */
async function closeSockets(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((done) => {
          if (ws.readyState === WebSocket.CLOSED) return done();
          const cut = setTimeout(() => ws.terminate(), 1_000);
          ws.once('close', () => {
            clearTimeout(cut);
            done();
          });
          ws.close(CLOSE_CODES.GOING_AWAY, 'server shutting down');
        }),
    ),
  );
}

/** The host part of the printed URL: wildcard binds are reached through loopback; IPv6 is bracketed. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
