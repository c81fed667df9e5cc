import type { ApiError } from '../../shared/contract.ts';
import type { EventBatch } from '../../shared/events.ts';
import { API_ERROR_CODES } from '../api/api-errors.ts';

/*
 * The WebSocket protocol of `dproc serve`, as renderer/src/api/ws-client.ts speaks it:
 *   URL      /ws?token=<token> (or the HttpOnly cookie the page got); Origin must be this server.
 *   request  {"id": 7, "command": "getSnapshot", "request": {"runId": "r1"}}    id: positive integer
 *   reply    {"id": 7, "ok": true, "response": {...}}
 *            {"id": 7, "ok": false, "error": {"code": "DPROC_E_…", "message": "…"}}
 *            A frame that cannot be matched to a request gets a reply with "id": null.
 *   push     {"type": "events", "batch": EventBatch}   (runs this connection subscribed to; see fromSeq)
 *   close    4401 no token, 4403 wrong token, 1001 server shutting down, 1009 frame over 1 MiB.
 */

/** What a client sends. */
export interface ClientMessage {
  id: number;
  command: string;
  request?: unknown;
}

/** What the server sends: a reply to one request, or a push of events. */
export type ServerMessage =
  | { type: 'events'; batch: EventBatch }
  | { id: number | null; ok: true; response: unknown }
  | { id: number | null; ok: false; error: ApiError };

/** Requests are small (a path is at most 4 KiB); bigger text frames get an error reply. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Frames above this are not even read: ws closes the socket with 1009. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Requests one connection may have in flight; more are refused rather than queued without bound. */
export const MAX_IN_FLIGHT = 64;

/** WebSocket close codes; 4401/4403 tell the client to stop reconnecting. */
export const CLOSE_CODES = { NO_TOKEN: 4401, BAD_TOKEN: 4403, GOING_AWAY: 1001 } as const;

/** Parses one text frame into a request, or the error reply to send instead. */
export function parseClientFrame(text: string): { ok: true; message: ClientMessage } | { ok: false; reply: ServerMessage } {
  const bad = (id: number | null, code: string, message: string) => ({ ok: false as const, reply: { id, ok: false as const, error: { code, message } } });
  if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
    return bad(null, API_ERROR_CODES.BAD_MESSAGE, `message too large (the limit is ${MAX_MESSAGE_BYTES} bytes)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return bad(null, API_ERROR_CODES.BAD_MESSAGE, 'message is not JSON');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return bad(null, API_ERROR_CODES.BAD_MESSAGE, 'message must be a JSON object {id, command, request}');
  }
  const { id, command, request } = data as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    return bad(null, API_ERROR_CODES.BAD_MESSAGE, 'message needs "id": a positive integer');
  }
  if (typeof command !== 'string') return bad(id, API_ERROR_CODES.BAD_REQUEST, 'message needs "command": a command name');
  return { ok: true, message: { id, command, request } };
}
