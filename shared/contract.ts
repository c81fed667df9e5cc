import { z } from 'zod';
import type { EventBatch, LogStream } from './events.ts';
import type { RunSnapshot } from './snapshot.ts';
import { ON_FAILURE_POLICIES, type RunState, type TaskState } from './states.ts';

/**
 * The one API contract between the UI and whatever owns the engine (Electron main, or `dproc serve`).
 * Each command has a zod request schema (validated where it is received) and a response type.
 * Carriers: Electron IPC (`dproc:<command>` channels) and a WebSocket (JSON `{ id, command, request }`).
 */

const runId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a run id');
const taskId = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'not a task id');
const overrides = {
  concurrency: z.number().int().min(1).max(1024).optional(),
  onFailure: z.enum(ON_FAILURE_POLICIES).optional(),
};

export const requestSchemas = {
  listJobs: z.object({}).strict(),
  validateJob: z.object({ path: z.string().min(1).max(4096), ...overrides }).strict(),
  startRun: z.object({ path: z.string().min(1).max(4096), ...overrides }).strict(),
  listRuns: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
  getSnapshot: z.object({ runId }).strict(),
  previewControl: z.object({ runId, taskId, action: z.enum(['retry', 'skip', 'cancel']) }).strict(),
  retryTask: z.object({ runId, taskId }).strict(),
  skipTask: z.object({ runId, taskId }).strict(),
  cancelTask: z.object({ runId, taskId }).strict(),
  retryAllFailed: z.object({ runId }).strict(),
  cancelRun: z.object({ runId }).strict(),
  resumeRun: z.object({ runId }).strict(),
  getTaskLogs: z
    .object({
      runId,
      taskId,
      attempt: z.number().int().min(1).optional(),
      afterSeq: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    })
    .strict(),
  getTaskOutput: z.object({ runId, taskId }).strict(),
  subscribe: z.object({ runId, afterSeq: z.number().int().min(0).optional() }).strict(),
  unsubscribe: z.object({ runId }).strict(),
} as const;

export type CommandName = keyof typeof requestSchemas;
export const COMMAND_NAMES = Object.keys(requestSchemas) as CommandName[];
export type Request<C extends CommandName> = z.infer<(typeof requestSchemas)[C]>;

/** A job the launcher can offer. */
export interface JobEntry {
  path: string;
  name: string;
  source: 'example' | 'workspace' | 'recent';
}

/** One problem in a job file, as the launcher shows it inline. */
export interface JobProblem {
  code: string;
  message: string;
  taskId?: string;
  field?: string;
  line?: number;
  column?: number;
}

/** A validated job, summarised for the launcher's preview. */
export interface JobPreview {
  name: string;
  file: string;
  concurrency: number;
  onFailure: string;
  tasks: { id: string; name: string; blockedBy: string[]; group?: string }[];
}

/** A run as listed in history. */
export interface RunSummary {
  runId: string;
  jobName: string;
  jobFile: string;
  state: RunState;
  createdAt: number;
  finishedAt?: number;
  taskCount: number;
  counts: Record<TaskState, number>;
}

/** One log line of a task (a `task.log` event of the journal); `seq` is its journal seq. */
export interface LogLine {
  seq: number;
  at: number;
  attempt: number;
  stream: LogStream;
  text: string;
}

/** What a retry/skip/cancel will change: the task itself and the tasks downstream of it, never siblings. */
export interface ControlPreview {
  action: 'retry' | 'skip' | 'cancel';
  taskId: string;
  allowed: boolean;
  reason?: string;
  affected: string[];
}

export interface Responses {
  listJobs: { jobs: JobEntry[] };
  validateJob: { ok: true; preview: JobPreview } | { ok: false; problems: JobProblem[] };
  startRun: { runId: string };
  listRuns: { runs: RunSummary[] };
  getSnapshot: { snapshot: RunSnapshot };
  previewControl: ControlPreview;
  retryTask: ControlPreview;
  skipTask: ControlPreview;
  cancelTask: ControlPreview;
  retryAllFailed: { retried: string[] };
  cancelRun: { ok: true };
  resumeRun: { runId: string };
  getTaskLogs: { lines: LogLine[] };
  /** The output converted to JSON-safe values (Map → object, BigInt → string…); absent when none. */
  getTaskOutput: { output?: unknown };
  /** The snapshot to start from; batches with seq > snapshot.seq follow on the events channel. */
  subscribe: { snapshot: RunSnapshot };
  unsubscribe: { ok: true };
}
export type Response<C extends CommandName> = Responses[C];

/** An error as it crosses a carrier: stable code plus a message naming the file, task or field. */
export interface ApiError {
  code: string;
  message: string;
}

/** The typed client both carriers implement (window.dproc in Electron, the WebSocket client in a browser). */
export type DprocApi = {
  [C in CommandName]: (request: Request<C>) => Promise<Response<C>>;
} & {
  /** Receives every event batch of subscribed runs; returns an unsubscribe function. */
  onEvents(listener: (batch: EventBatch) => void): () => void;
};

/** Validates a request for a command; throws a readable error naming the command and the field. */
export function parseRequest<C extends CommandName>(command: C, request: unknown): Request<C> {
  const schema = requestSchemas[command];
  if (!schema) throw new Error(`unknown command "${String(command)}"`);
  const result = schema.safeParse(request ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${command}: ${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  return result.data as Request<C>;
}

/** Channel names, `feature:event` style, shared by preload and main. */
export const IPC_COMMAND_PREFIX = 'dproc:';
export const IPC_EVENTS_CHANNEL = 'dproc:events';
