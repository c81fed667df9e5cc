import type { ApiError } from '../../shared/contract.ts';
import { DprocError } from '../../shared/errors.ts';

/** Codes the API layer adds to the engine's (shared/errors.ts); clients match on these, never on text. */
export const API_ERROR_CODES = {
  /** The request failed its zod schema, named an unknown command, or needs something the carrier lacks. */
  BAD_REQUEST: 'DPROC_E_BAD_REQUEST',
  /** A job path outside the examples and workspace folders, in serve mode. */
  PATH_NOT_ALLOWED: 'DPROC_E_PATH_NOT_ALLOWED',
  /** A frame that is not a request at all (not JSON, no id, too large); the renderer knows this code. */
  BAD_MESSAGE: 'DPROC_E_BAD_MESSAGE',
  /** Anything that is not a DprocError: a bug, reported without its stack. */
  INTERNAL: 'DPROC_E_INTERNAL',
} as const;

/** An error of the API layer itself, with one of API_ERROR_CODES. */
export class ApiRequestError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.code = code;
  }
}

/** Turns anything a handler threw into the `{ code, message }` that crosses a carrier. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiRequestError || err instanceof DprocError) return { code: err.code, message: err.message };
  // The store translates SQLite errors into DprocErrors; anything else is unexpected, but its message still helps.
  const message = err instanceof Error ? err.message : String(err);
  return { code: API_ERROR_CODES.INTERNAL, message };
}
