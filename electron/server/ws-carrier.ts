import { WebSocket, type RawData } from 'ws';
import { API_ERROR_CODES } from '../api/api-errors.ts';
import type { ApiService } from '../api/api-service.ts';
import type { EventSink } from '../api/event-bridge.ts';
import { dispatch } from '../api/handlers.ts';
import { MAX_IN_FLIGHT, MAX_MESSAGE_BYTES, parseClientFrame, type ServerMessage } from './protocol.ts';

/** Socket send buffer above which event batches wait (and progress keeps coalescing) instead of piling up. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Serves the API on one authenticated socket: each text frame is a request answered by exactly one reply;
 * event batches of subscribed runs are pushed through the bridge. Nothing a client sends can throw here.
 */
export function serveConnection(ws: WebSocket, api: ApiService): void {
  let inFlight = 0;
  const send = (message: ServerMessage) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  const sink: EventSink = {
    send(batch) {
      if (ws.readyState !== WebSocket.OPEN) throw new Error('socket closed');
      ws.send(JSON.stringify({ type: 'events', batch } satisfies ServerMessage));
    },
    canSend: () => ws.bufferedAmount < MAX_BUFFERED_BYTES,
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      send({ id: null, ok: false, error: { code: API_ERROR_CODES.BAD_MESSAGE, message: 'binary frames are not supported; send JSON text' } });
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (bytes.length > MAX_MESSAGE_BYTES) {
      const message = `message too large (${bytes.length} bytes; the limit is ${MAX_MESSAGE_BYTES})`;
      send({ id: null, ok: false, error: { code: API_ERROR_CODES.BAD_MESSAGE, message } });
      return;
    }
    const parsed = parseClientFrame(bytes.toString('utf8'));
    if (!parsed.ok) {
      send(parsed.reply);
      return;
    }
    const { id, command, request } = parsed.message;
    if (inFlight >= MAX_IN_FLIGHT) {
      send({ id, ok: false, error: { code: API_ERROR_CODES.BAD_REQUEST, message: `too many requests in flight (at most ${MAX_IN_FLIGHT})` } });
      return;
    }
    inFlight++;
    void dispatch(api.handlers, command, request, { sink }).then((reply) => {
      inFlight--;
      // A subscribe that finished after the socket closed must not leave the sink registered.
      if (ws.readyState !== WebSocket.OPEN) api.bridge.removeSink(sink);
      send({ id, ...reply });
    });
  });
  ws.on('close', () => api.bridge.removeSink(sink));
  // ws emits 'error' for protocol violations (then closes); an unhandled one would crash the server.
  ws.on('error', () => {});
}
