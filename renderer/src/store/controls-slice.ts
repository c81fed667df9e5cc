import { errorMessage } from '../api/errors.ts';
import type { SliceCreator } from './types.ts';

export type TaskAction = 'retry' | 'skip' | 'cancel';

/** Manual controls. Each asks the engine what it would change (previewControl) and asks the user first. */
export interface ControlsSlice {
  requestControl(action: TaskAction, taskId: string): Promise<void>;
  requestRetryAllFailed(): void;
  requestCancelRun(): void;
  resumeRun(): Promise<void>;
}

const VERB: Record<TaskAction, string> = { retry: 'Retry', skip: 'Skip', cancel: 'Cancel' };

const DONE: Record<TaskAction, string> = { retry: 'Retrying', skip: 'Skipped', cancel: 'Cancelled' };

const EXPLAIN: Record<TaskAction, string> = {
  retry: 'The task is queued again and the tasks downstream of it go back to waiting for it. Other regions are not touched.',
  skip: 'The task is marked skipped. Tasks downstream of it run without its output, so the result will be partial.',
  cancel: 'Its running attempt is stopped and the task is cancelled. Tasks downstream of it cannot run until it is retried.',
};

export const createControlsSlice: SliceCreator<ControlsSlice> = (_set, get, carrier) => {
  const api = carrier.api;

  async function perform(action: TaskAction, runId: string, taskId: string): Promise<string> {
    const request = { runId, taskId };
    const result =
      action === 'retry' ? await api.retryTask(request) : action === 'skip' ? await api.skipTask(request) : await api.cancelTask(request);
    if (!result.allowed) throw new Error(result.reason ?? `${VERB[action]} is not allowed now`);
    return `${DONE[action]} ${taskId} (${result.affected.length} task${result.affected.length === 1 ? '' : 's'} affected)`;
  }

  return {
    async requestControl(action, taskId) {
      const runId = get().runId;
      if (!runId) return;
      try {
        const preview = await api.previewControl({ runId, taskId, action });
        get().askConfirm({
          title: `${VERB[action]} ${taskId}?`,
          message: EXPLAIN[action],
          affected: preview.affected,
          blockedReason: preview.allowed ? undefined : (preview.reason ?? `${VERB[action]} is not allowed now`),
          confirmLabel: VERB[action],
          danger: action !== 'retry',
          run: () => perform(action, runId, taskId),
        });
      } catch (err) {
        get().notify('error', `${VERB[action]} ${taskId}: ${errorMessage(err)}`);
      }
    },

    requestRetryAllFailed() {
      const { runId, snapshot } = get();
      if (!runId || !snapshot) return;
      const failed = snapshot.order.filter((id) => snapshot.tasks[id].state === 'FAILED');
      get().askConfirm({
        title: `Retry ${failed.length} failed task${failed.length === 1 ? '' : 's'}?`,
        message: 'Each failed task is queued again and the tasks downstream of it go back to waiting for it.',
        affected: failed,
        blockedReason: failed.length === 0 ? 'No task has failed.' : undefined,
        confirmLabel: 'Retry all failed',
        async run() {
          const { retried } = await api.retryAllFailed({ runId });
          return `Retried ${retried.length} task${retried.length === 1 ? '' : 's'}`;
        },
      });
    },

    requestCancelRun() {
      const { runId, snapshot } = get();
      if (!runId || !snapshot) return;
      get().askConfirm({
        title: `Cancel run ${snapshot.jobName}?`,
        message: 'Running attempts are stopped and every task that has not finished is cancelled. Finished results are kept.',
        confirmLabel: 'Cancel run',
        danger: true,
        async run() {
          await api.cancelRun({ runId });
          return 'Run cancelled';
        },
      });
    },

    async resumeRun() {
      const runId = get().runId;
      if (!runId) return;
      try {
        const resumed = await api.resumeRun({ runId });
        if (resumed.runId !== runId) await get().openRun(resumed.runId);
        else await get().resync(true);
        get().notify('info', 'Run resumed');
        void get().loadHistory();
      } catch (err) {
        get().notify('error', `Resume: ${errorMessage(err)}`);
      }
    },
  };
};
