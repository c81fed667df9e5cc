/** Stable error codes: tests and clients match on these, never on message text. */
export const ERROR_CODES = {
  JOB_SYNTAX: 'DPROC_E_JOB_SYNTAX',
  JOB_SCHEMA: 'DPROC_E_JOB_SCHEMA',
  DUPLICATE_ID: 'DPROC_E_DUPLICATE_ID',
  UNKNOWN_DEPENDENCY: 'DPROC_E_UNKNOWN_DEPENDENCY',
  CYCLE: 'DPROC_E_CYCLE',
  PROCESSOR_NOT_FOUND: 'DPROC_E_PROCESSOR_NOT_FOUND',
  FOREACH_EMPTY: 'DPROC_E_FOREACH_EMPTY',
  JOB_NOT_FOUND: 'DPROC_E_JOB_NOT_FOUND',
  USAGE: 'DPROC_E_USAGE',
  TIMEOUT: 'DPROC_E_TIMEOUT',
  CANCELLED: 'DPROC_E_CANCELLED',
  PROCESSOR_THREW: 'DPROC_E_PROCESSOR_THREW',
  PROCESSOR_INVALID: 'DPROC_E_PROCESSOR_INVALID',
  UNSTORABLE_RESULT: 'DPROC_E_UNSTORABLE_RESULT',
  WORKER_EXITED: 'DPROC_E_WORKER_EXITED',
  WORKER_CRASHED: 'DPROC_E_WORKER_CRASHED',
  OUT_OF_MEMORY: 'DPROC_E_OUT_OF_MEMORY',
  INTERRUPTED: 'DPROC_E_INTERRUPTED',
  STORE_CORRUPT: 'DPROC_E_STORE_CORRUPT',
  STORE_LOCKED: 'DPROC_E_STORE_LOCKED',
  STORE_UNWRITABLE: 'DPROC_E_STORE_UNWRITABLE',
  RUN_NOT_FOUND: 'DPROC_E_RUN_NOT_FOUND',
  RUN_ACTIVE: 'DPROC_E_RUN_ACTIVE',
  TASK_NOT_FOUND: 'DPROC_E_TASK_NOT_FOUND',
  INVALID_CONTROL: 'DPROC_E_INVALID_CONTROL',
  /** A remote worker stopped heartbeating (killed, paused, cut off) while it ran the attempt. */
  WORKER_LOST: 'DPROC_E_WORKER_LOST',
  /** The run's backend (Redis) cannot be reached. */
  BACKEND_UNREACHABLE: 'DPROC_E_BACKEND_UNREACHABLE',
  /** An output is larger than a remote attempt may send back. */
  OUTPUT_TOO_LARGE: 'DPROC_E_OUTPUT_TOO_LARGE',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Where an error points: the job file, the task and the field it is about. */
export interface ErrorLocation {
  file?: string;
  taskId?: string;
  field?: string;
  line?: number;
  column?: number;
}

/** The one error type the engine throws on purpose; `code` is stable, the message names file/task/field. */
export class DprocError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;
  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}) {
    super(message);
    this.name = 'DprocError';
    this.code = code;
    this.location = location;
  }
}

/** Several problems found at once (a job file is checked as a whole, not stopped at the first error). */
export class DprocErrors extends DprocError {
  readonly errors: DprocError[];
  constructor(errors: DprocError[]) {
    super(errors[0].code, errors.map((e) => e.message).join('\n'), errors[0].location);
    this.name = 'DprocErrors';
    this.errors = errors;
  }
}

/** The serialisable shape of an attempt's error, as kept in the journal. */
export interface ErrorInfo {
  message: string;
  code?: string;
  stack?: string;
  /** The `code` of what the processor itself threw, when it was a string (e.g. 'ENOENT'). */
  processorCode?: string;
}

/** Turns anything thrown into an ErrorInfo without losing its code or stack. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; code?: unknown; stack?: unknown; processorCode?: unknown };
    const info: ErrorInfo = { message: typeof e.message === 'string' ? e.message : String(err) };
    if (typeof e.code === 'string') info.code = e.code;
    if (typeof e.stack === 'string') info.stack = e.stack;
    if (typeof e.processorCode === 'string') info.processorCode = e.processorCode;
    return info;
  }
  return { message: String(err) };
}
