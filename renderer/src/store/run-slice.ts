import type { EventBatch } from '../../../shared/events.ts';
import type { RunSnapshot } from '../../../shared/snapshot.ts';
import { errorMessage } from '../api/errors.ts';
import { foldBatch } from './fold-batch.ts';
import { withLiveLines } from './logs-slice.ts';
import type { SliceCreator } from './types.ts';
import { writeRunIdToUrl } from './url-state.ts';

export type RunStatus = 'idle' | 'loading' | 'live' | 'resyncing' | 'error';

export interface RunSlice {
  runId?: string;
  /** The open run: a fold of event batches with applyEvent, replaced (never mutated) once per batch. */
  snapshot?: RunSnapshot;
  runStatus: RunStatus;
  runError?: string;
  /** Smallest (client clock − event time) seen: converts `Date.now()` to the engine's clock. */
  clockOffset?: number;
  openRun(runId: string): Promise<void>;
  closeRun(): void;
  receiveBatch(batch: EventBatch): void;
  /** Starts over from a fresh snapshot: after a gap (getSnapshot) or a reconnect (subscribe again). */
  resync(resubscribe: boolean): Promise<void>;
  /** A task's output as JSON-safe values (not kept in the store: outputs can be large). */
  fetchTaskOutput(runId: string, taskId: string): Promise<{ output?: unknown }>;
}

/** Batches held while a snapshot is on its way; past this the buffer is dropped and refetched. */
const MAX_PENDING_BATCHES = 5_000;

export const createRunSlice: SliceCreator<RunSlice> = (set, get, carrier) => {
  let generation = 0;
  let awaitingSnapshot = false;
  let pending: EventBatch[] = [];
  let overflowed = false;
  let consecutiveGaps = 0;
  let resyncTimer: ReturnType<typeof setTimeout> | undefined;

  async function load(runId: string, how: 'subscribe' | 'getSnapshot'): Promise<void> {
    const mine = ++generation;
    awaitingSnapshot = true;
    pending = [];
    overflowed = false;
    try {
      const { snapshot } =
        how === 'subscribe' ? await carrier.api.subscribe({ runId }) : await carrier.api.getSnapshot({ runId });
      if (mine !== generation) return;
      awaitingSnapshot = false;
      let next = snapshot;
      let logs = get().logs;
      let gap = overflowed;
      for (const batch of pending) {
        const result = foldBatch(next, batch);
        if (result.kind === 'gap') {
          gap = true;
          break;
        }
        if (result.kind === 'applied') {
          next = result.snapshot;
          logs = withLiveLines(logs, result.events);
        }
      }
      pending = [];
      const wasResync = get().snapshot !== undefined;
      set({ snapshot: next, runStatus: 'live', runError: undefined, logs });
      if (wasResync && logs) void get().openLogs(logs.taskId);
      if (gap) scheduleResync();
      else consecutiveGaps = 0;
    } catch (err) {
      if (mine !== generation) return;
      awaitingSnapshot = false;
      set({ runStatus: 'error', runError: errorMessage(err) });
    }
  }

  /** One resync at a time; repeated gaps back off (200 ms doubling to 5 s). */
  function scheduleResync(): void {
    if (resyncTimer !== undefined) return;
    const delay = consecutiveGaps === 0 ? 0 : Math.min(5_000, 200 * 2 ** consecutiveGaps);
    consecutiveGaps += 1;
    resyncTimer = setTimeout(() => {
      resyncTimer = undefined;
      void get().resync(false);
    }, delay);
  }

  return {
    runStatus: 'idle',

    async openRun(runId) {
      const previous = get().runId;
      if (previous && previous !== runId) carrier.api.unsubscribe({ runId: previous }).catch(() => {});
      clearTimeout(resyncTimer);
      resyncTimer = undefined;
      consecutiveGaps = 0;
      set({
        runId,
        snapshot: undefined,
        runStatus: 'loading',
        runError: undefined,
        clockOffset: undefined,
        selectedTaskId: undefined,
        logs: undefined,
        expandedGroups: {},
      });
      writeRunIdToUrl(runId);
      await load(runId, 'subscribe');
    },

    closeRun() {
      const runId = get().runId;
      clearTimeout(resyncTimer);
      resyncTimer = undefined;
      if (runId) carrier.api.unsubscribe({ runId }).catch(() => {});
      generation += 1;
      awaitingSnapshot = false;
      pending = [];
      set({ runId: undefined, snapshot: undefined, runStatus: 'idle', selectedTaskId: undefined, logs: undefined });
      writeRunIdToUrl(undefined);
    },

    receiveBatch(batch) {
      const { runId, snapshot, runStatus } = get();
      if (batch.runId !== runId) return;
      if (awaitingSnapshot) {
        if (pending.length < MAX_PENDING_BATCHES) pending.push(batch);
        else overflowed = true;
        return;
      }
      // A snapshot is about to be fetched: it will be newer than this batch.
      if (!snapshot || runStatus === 'error' || resyncTimer !== undefined) return;
      const result = foldBatch(snapshot, batch);
      if (result.kind === 'stale') return;
      if (result.kind === 'gap') {
        console.warn(`dproc: run ${batch.runId}: ${result.reason}; fetching a snapshot`);
        set({ runStatus: 'resyncing' });
        scheduleResync();
        return;
      }
      const lastAt = result.events[result.events.length - 1].at;
      const observed = Date.now() - lastAt;
      const clockOffset = get().clockOffset;
      set({
        snapshot: result.snapshot,
        logs: withLiveLines(get().logs, result.events),
        clockOffset: clockOffset === undefined ? observed : Math.min(clockOffset, observed),
      });
      if (result.snapshot.state !== snapshot.state) void get().loadHistory();
    },

    fetchTaskOutput: (runId, taskId) => carrier.api.getTaskOutput({ runId, taskId }),

    async resync(resubscribe) {
      const runId = get().runId;
      if (!runId) return;
      set({ runStatus: get().snapshot ? 'resyncing' : 'loading' });
      await load(runId, resubscribe ? 'subscribe' : 'getSnapshot');
    },
  };
};
