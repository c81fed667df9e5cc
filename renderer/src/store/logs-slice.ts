import type { LogLine } from '../../../shared/contract.ts';
import type { JournaledEvent } from '../../../shared/events.ts';
import { errorMessage } from '../api/errors.ts';
import type { SliceCreator } from './types.ts';

/** Logs of the task open in the drawer: fetched once, then extended by live task.log events. */
export interface TaskLogs {
  runId: string;
  taskId: string;
  lines: LogLine[];
  status: 'loading' | 'ready' | 'error';
  error?: string;
}

export interface LogsSlice {
  logs?: TaskLogs;
  openLogs(taskId: string): Promise<void>;
  closeLogs(): void;
}

/** Lines kept in memory for one task; older ones are dropped first. */
export const MAX_LOG_LINES = 5_000;
const PAGE = 5_000;
/** getTaskLogs pages from the start; a task with more lines than this shows its first pages and live ones. */
const MAX_PAGES = 20;

/**
 * Appends the batch's task.log events for the open task. Returns the same object when nothing applies, so
 * the fold can include it in its single store update without waking the log view needlessly.
 * LogLine.seq is the journal seq of the task.log event, which is what lets fetched and live lines merge.
 */
export function withLiveLines(logs: TaskLogs | undefined, events: readonly JournaledEvent[]): TaskLogs | undefined {
  if (!logs) return logs;
  let added: LogLine[] | undefined;
  for (const e of events) {
    if (e.type !== 'task.log' || e.taskId !== logs.taskId) continue;
    (added ??= []).push({ seq: e.seq, at: e.at, attempt: e.attempt, stream: e.stream, text: e.text });
  }
  if (!added) return logs;
  return { ...logs, lines: trim([...logs.lines, ...added]) };
}

function merge(a: LogLine[], b: LogLine[]): LogLine[] {
  const bySeq = new Map<number, LogLine>();
  for (const l of a) bySeq.set(l.seq, l);
  for (const l of b) bySeq.set(l.seq, l);
  return trim([...bySeq.values()].sort((x, y) => x.seq - y.seq));
}

function trim(lines: LogLine[]): LogLine[] {
  return lines.length > MAX_LOG_LINES ? lines.slice(lines.length - MAX_LOG_LINES) : lines;
}

export const createLogsSlice: SliceCreator<LogsSlice> = (set, get, carrier) => ({
  async openLogs(taskId) {
    const runId = get().runId;
    if (!runId) return;
    set({ logs: { runId, taskId, lines: [], status: 'loading' } });
    try {
      // Pages forward with afterSeq, keeping the newest MAX_LOG_LINES (the contract has no "tail").
      let lines: LogLine[] = [];
      for (let page = 0, afterSeq = 0; page < MAX_PAGES; page++) {
        const reply = await carrier.api.getTaskLogs({ runId, taskId, afterSeq, limit: PAGE });
        lines = trim([...lines, ...reply.lines]);
        if (reply.lines.length < PAGE) break;
        afterSeq = reply.lines[reply.lines.length - 1].seq;
        const open = get().logs;
        if (!open || open.runId !== runId || open.taskId !== taskId) return;
      }
      const current = get().logs;
      if (!current || current.runId !== runId || current.taskId !== taskId) return;
      set({ logs: { ...current, lines: merge(lines, current.lines), status: 'ready' } });
    } catch (err) {
      const current = get().logs;
      if (current && current.runId === runId && current.taskId === taskId) {
        set({ logs: { ...current, status: 'error', error: errorMessage(err) } });
      }
    }
  },
  closeLogs: () => set({ logs: undefined }),
});
