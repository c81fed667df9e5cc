/**
 * WebSocket carrier for `dproc serve`: the same DprocApi that window.dproc gives in Electron.
 *
 * Protocol (the server implements exactly this):
 *   URL      ws(s)://<host of the page>/ws?token=<token>   (wss when the page is https). The token is the
 *            page URL's `?token=`, kept in sessionStorage so reloads work.
 *   request  client → server, one JSON text frame per command:
 *              {"id": 7, "command": "getSnapshot", "request": {"runId": "r1"}}
 *            `id` is a positive integer, unique per connection; `request` is validated with parseRequest.
 *   reply    server → client, exactly one per request, in any order:
 *              {"id": 7, "ok": true, "response": {...}}
 *              {"id": 7, "ok": false, "error": {"code": "DPROC_E_RUN_NOT_FOUND", "message": "..."}}
 *   push     server → client, for runs this connection subscribed to (subscribe / unsubscribe commands):
 *              {"type": "events", "batch": EventBatch}
 *            Batches of a run come in seq order; continuity is checked with EventBatch.fromSeq (progress may
 *            be coalesced, see shared/events.ts), and a gap makes the client fetch getSnapshot. The subscribe
 *            reply should precede the first batch with seq > snapshot.seq, but the client tolerates either
 *            order (it buffers batches until the snapshot arrives).
 *            A reply the server cannot tie to a request carries "id": null (logged, otherwise ignored).
 *   auth     the token may also come from the server's HttpOnly cookie (then the URL carries none). A
 *            missing or wrong token: close with 4401 / 4403; the client stops reconnecting, fails what is
 *            pending with DPROC_E_UNAUTHORIZED and says so. Any other close makes it reconnect.
 *   loss     subscriptions belong to a connection. After a reconnect the client sends subscribe again for
 *            the run it shows and starts over from the returned snapshot. Requests in flight when the
 *            connection drops fail with DPROC_E_DISCONNECTED and are not resent (startRun is not
 *            idempotent); requests made while disconnected wait for the next connection.
 *   backoff  250 ms doubling to 5 s, ±20 % jitter, reset when a connection opens.
 */
import type { CommandName, DprocApi, Request, Response } from '../../../shared/contract.ts';
import type { EventBatch } from '../../../shared/events.ts';
import { COMMAND_LIST } from './commands.ts';
import { ApiCallError, CARRIER_ERRORS } from './errors.ts';
import type { Carrier, ConnectionState } from './types.ts';

export interface WsCarrierOptions {
  url: string;
  requestTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

type ServerMessage =
  | { type: 'events'; batch: EventBatch }
  | { id: number | null; ok: true; response: unknown }
  | { id: number | null; ok: false; error: { code: string; message: string } };

interface PendingCall {
  frame: string;
  sent: boolean;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const UNAUTHORIZED_CLOSE_CODES = new Set([4401, 4403]);

/** The socket URL for the page's origin. */
export function socketUrl(location: Location, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}//${location.host}/ws${query}`;
}

/** Opens the socket at once and keeps it open (reconnecting with backoff) for the page's lifetime. */
export function createWebSocketCarrier(options: WsCarrierOptions): Carrier {
  const timeoutMs = options.requestTimeoutMs ?? 60_000;
  const minBackoff = options.minBackoffMs ?? 250;
  const maxBackoff = options.maxBackoffMs ?? 5_000;

  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let everOpened = false;
  let failures = 0;
  let nextId = 1;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const calls = new Map<number, PendingCall>();
  const batchListeners = new Set<(batch: EventBatch) => void>();
  const connectionListeners = new Set<(state: ConnectionState, reconnected: boolean) => void>();

  function setState(next: ConnectionState, reconnected = false): void {
    state = next;
    for (const l of connectionListeners) l(next, reconnected);
  }

  function connect(): void {
    retryTimer = undefined;
    setState(everOpened ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(options.url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      const reconnected = everOpened;
      everOpened = true;
      for (const call of calls.values()) {
        if (!call.sent) {
          ws.send(call.frame);
          call.sent = true;
        }
      }
      setState('open', reconnected);
    };
    ws.onmessage = (e) => receive(e.data);
    ws.onclose = (e) => {
      if (socket === ws) socket = null;
      failSentCalls();
      if (UNAUTHORIZED_CLOSE_CODES.has(e.code)) {
        setState('unauthorized');
        failAllCalls(new ApiCallError(CARRIER_ERRORS.UNAUTHORIZED, `dproc serve refused the token (${e.reason || e.code})`));
      } else scheduleReconnect();
    };
    // An error is always followed by close, which does the work.
    ws.onerror = () => {};
  }

  function scheduleReconnect(): void {
    if (retryTimer !== undefined) return;
    const base = Math.min(maxBackoff, minBackoff * 2 ** failures);
    failures += 1;
    setState(everOpened ? 'reconnecting' : 'connecting');
    retryTimer = setTimeout(connect, base * (0.8 + Math.random() * 0.4));
  }

  function failSentCalls(): void {
    for (const [id, call] of calls) {
      if (!call.sent) continue;
      calls.delete(id);
      clearTimeout(call.timer);
      call.reject(new ApiCallError(CARRIER_ERRORS.DISCONNECTED, 'the connection to dproc was lost'));
    }
  }

  function failAllCalls(err: ApiCallError): void {
    for (const call of calls.values()) {
      clearTimeout(call.timer);
      call.reject(err);
    }
    calls.clear();
  }

  function receive(data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(data)) as ServerMessage;
    } catch {
      console.warn('dproc: ignoring a message that is not JSON');
      return;
    }
    if ('type' in msg) {
      if (msg.type === 'events') for (const l of batchListeners) l(msg.batch);
      return;
    }
    if (msg.id === null) {
      // The server could not tie a frame to a request (it was not valid JSON, or too large).
      if (!msg.ok) console.warn(`dproc serve: ${msg.error?.code}: ${msg.error?.message}`);
      return;
    }
    const call = calls.get(msg.id);
    if (!call) return;
    calls.delete(msg.id);
    clearTimeout(call.timer);
    if (msg.ok) call.resolve(msg.response);
    else call.reject(new ApiCallError(msg.error?.code ?? CARRIER_ERRORS.BAD_MESSAGE, msg.error?.message ?? 'failed'));
  }

  function call<C extends CommandName>(command: C, request: Request<C>): Promise<Response<C>> {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const frame = JSON.stringify({ id, command, request });
      const timer = setTimeout(() => {
        calls.delete(id);
        reject(new ApiCallError(CARRIER_ERRORS.TIMEOUT, `${command}: no reply within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const pending: PendingCall = { frame, sent: false, resolve: resolve as (v: unknown) => void, reject, timer };
      calls.set(id, pending);
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(frame);
        pending.sent = true;
      }
    });
  }

  const api = Object.fromEntries(
    COMMAND_LIST.map((command) => [command, (request: unknown) => call(command, request as never)]),
  ) as unknown as DprocApi;
  api.onEvents = (listener) => {
    batchListeners.add(listener);
    return () => batchListeners.delete(listener);
  };

  window.addEventListener('online', () => {
    if (retryTimer !== undefined) {
      clearTimeout(retryTimer);
      connect();
    }
  });
  connect();

  return {
    kind: 'websocket',
    api,
    connection: () => state,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}
