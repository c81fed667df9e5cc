import { existsSync, inspect } from './builtins.ts';
import { ERROR_CODES } from '../../../shared/errors.ts';
import type { WireError } from './protocol.ts';

// Inside a worker: turns what went wrong in an attempt into a WireError with a stable code.

/** The message of anything thrown: an Error's own message, or a readable rendering of a non-Error. */
function messageOf(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null && typeof (thrown as Error).message === 'string') {
    return (thrown as Error).message;
  }
  return typeof thrown === 'string' ? thrown : inspect(thrown, { depth: 2, breakLength: Infinity });
}

function stackOf(thrown: unknown): string | undefined {
  const stack = typeof thrown === 'object' && thrown !== null ? (thrown as Error).stack : undefined;
  return typeof stack === 'string' ? stack : undefined;
}

/**
 * A processor threw (or rejected). The code is always PROCESSOR_THREW so the failure is classified the same
 * way whatever the processor throws; its own message and stack are kept verbatim, and its own string `code`
 * (e.g. 'ENOENT') travels beside it as `processorCode`.
 */
export function processorThrew(thrown: unknown): WireError {
  const error: WireError = { code: ERROR_CODES.PROCESSOR_THREW, message: messageOf(thrown) };
  const stack = stackOf(thrown);
  if (stack !== undefined) error.stack = stack;
  const code = typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown }).code : undefined;
  if (typeof code === 'string') error.processorCode = code;
  return error;
}

const LOAD_ERROR_CODES = new Set([
  'ERR_MODULE_NOT_FOUND',
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  'ERR_INVALID_TYPESCRIPT_SYNTAX',
]);

/** The processor module could not be imported: missing file, unloadable module, or its top level threw. */
export function importFailed(thrown: unknown, processor: string): WireError {
  if (!existsSync(processor)) {
    return { code: ERROR_CODES.PROCESSOR_NOT_FOUND, message: `Processor file not found: ${processor}` };
  }
  const code = typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown }).code : undefined;
  // By name, not instanceof: the loader's SyntaxError may come from another realm.
  const name = typeof thrown === 'object' && thrown !== null ? (thrown as Error).name : undefined;
  if (name === 'SyntaxError' || (typeof code === 'string' && LOAD_ERROR_CODES.has(code))) {
    const error: WireError = {
      code: ERROR_CODES.PROCESSOR_INVALID,
      message: `Processor ${processor} cannot be loaded: ${messageOf(thrown)}`,
    };
    const stack = stackOf(thrown);
    if (stack !== undefined) error.stack = stack;
    return error;
  }
  // Evaluating the module ran the processor's own top-level code, and that threw.
  return processorThrew(thrown);
}

/** The module loaded but its default export is not a function. */
export function notAFunction(exported: unknown, processor: string): WireError {
  const found = exported === undefined ? 'no default export' : `a default export of type ${typeof exported}`;
  return {
    code: ERROR_CODES.PROCESSOR_INVALID,
    message: `Processor ${processor} must export a function as its default export, but has ${found}`,
  };
}

/** The processor's return value cannot be serialised with node:v8 (a function, a symbol, a socket...). */
export function unstorable(thrown: unknown, processor: string): WireError {
  return {
    code: ERROR_CODES.UNSTORABLE_RESULT,
    message: `The return value of processor ${processor} cannot be stored: ${messageOf(thrown)}`,
  };
}

/** An upstream output could not be deserialised (the stored bytes are damaged). */
export function upstreamUnreadable(thrown: unknown, taskId: string): WireError {
  return {
    code: ERROR_CODES.STORE_CORRUPT,
    message: `The stored output of upstream task "${taskId}" cannot be read: ${messageOf(thrown)}`,
  };
}
