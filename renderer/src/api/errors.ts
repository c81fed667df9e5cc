import type { ApiError } from '../../../shared/contract.ts';

/** A command that failed on the other side of the carrier, with its stable code. */
export class ApiCallError extends Error implements ApiError {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiCallError';
    this.code = code;
  }
}

/** Codes the carrier itself produces (the engine's codes live in shared/errors.ts). */
export const CARRIER_ERRORS = {
  DISCONNECTED: 'DPROC_E_DISCONNECTED',
  TIMEOUT: 'DPROC_E_REQUEST_TIMEOUT',
  BAD_MESSAGE: 'DPROC_E_BAD_MESSAGE',
  UNAUTHORIZED: 'DPROC_E_UNAUTHORIZED',
} as const;

/** A one-line message for anything thrown by a command. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/^Error invoking remote method '[^']+': (Error: )?/, '');
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
