import type { ErrorCode } from '../../../shared/errors.ts';
import type { LogStream } from '../../../shared/events.ts';
import type { TaskProgress } from '../../../shared/snapshot.ts';
import type { AttemptRequest } from '../executors/executor.ts';

// The messages that cross between the coordinator and a worker (thread or child process).
// Plain data only: everything here goes through structured clone or the 'advanced' IPC serialisation.

/**
 * One attempt as a worker receives it: the request itself (its upstream outputs are packed already, and
 * absent when there are none, since typed arrays cost more to clone, even empty).
 */
export type WorkerTask = AttemptRequest;


/** One captured log line. */
export type LogLine = readonly [stream: LogStream, text: string];

/** Progress and logs gathered by a running attempt since the last batch. */
export interface ReportBatch {
  logs: LogLine[];
  /** The last progress value reported since the previous batch, if any. */
  progress?: TaskProgress;
}

/** A batch sent while the attempt runs, tagged so the coordinator can route it. */
export interface SideBatch extends ReportBatch {
  dproc: 'batch';
  attemptId: string;
}

/** An attempt's error in a form that survives structured clone with its code and stack. */
export interface WireError {
  code: ErrorCode;
  message: string;
  stack?: string;
  /** The `code` property of what the processor threw, when it was a string (e.g. 'ENOENT'). */
  processorCode?: string;
}

/** How an attempt ended inside the worker, plus the reports not yet sent as side batches. */
export type AttemptOutcome = (
  | { ok: true; output: Uint8Array }
  | { ok: false; error: WireError }
) & {
  /** Reports gathered after the last side batch: delivered before the outcome is. */
  tail: ReportBatch;
  /** How many side batches were sent before the outcome: the coordinator waits for all of them. */
  sent: number;
  /** A reused worker that could not be put back as it was: the executor replaces it. */
  retire?: boolean;
};

/** What a piscina thread returns: the outcome, which thread ran it, and how full its heap is now. */
export type ThreadOutcome = AttemptOutcome & { threadId: number; heapUsedMb: number };

/** Aborts a running attempt inside a worker; posted on the pool's BroadcastChannel. */
export interface AbortNotice {
  attemptId: string;
  reason: { message: string; code?: string };
}

/** How a child process is started (its argv[2], as JSON). */
export interface ChildWorkerData {
  /** The child runs many attempts (`process`): each is reset as in a reused thread. */
  reused: boolean;
}

/** Coordinator → child process. */
export type ParentMessage = { type: 'run'; task: WorkerTask } | ({ type: 'abort' } & AbortNotice);

/** Child process → coordinator. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'batch'; batch: SideBatch }
  | { type: 'done'; outcome: AttemptOutcome };

/** The workerData every piscina thread of one pool starts with. */
export interface ThreadWorkerData {
  /** Name of the BroadcastChannel the pool posts AbortNotices on. */
  abortChannel: string;
  /** The thread runs many attempts (`pooled`, `thread`): each must import its processor afresh. */
  reused: boolean;
  /** A reused thread also puts globalThis, the built-ins, process.env and process listeners back (`thread`). */
  resetGlobals: boolean;
  /** The pool retires a thread whose heap, after an attempt, is above this (MB). */
  retireAboveHeapMb: number;
}

/** True when a message from a worker is one of our side batches (piscina forwards other messages too). */
export function isSideBatch(message: unknown): message is SideBatch {
  return typeof message === 'object' && message !== null && (message as { dproc?: unknown }).dproc === 'batch';
}
