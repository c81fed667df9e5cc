import type { RunSummary } from '../../../shared/contract.ts';
import { errorMessage } from '../api/errors.ts';
import type { SliceCreator } from './types.ts';

export interface HistorySlice {
  runs: RunSummary[];
  historyStatus: 'idle' | 'loading' | 'ready' | 'error';
  historyError?: string;
  loadHistory(): Promise<void>;
}

const HISTORY_LIMIT = 200;

export const createHistorySlice: SliceCreator<HistorySlice> = (set, _get, carrier) => {
  let generation = 0;
  return {
    runs: [],
    historyStatus: 'idle',
    async loadHistory() {
      const mine = ++generation;
      set({ historyStatus: 'loading', historyError: undefined });
      try {
        const { runs } = await carrier.api.listRuns({ limit: HISTORY_LIMIT });
        if (mine === generation) set({ runs, historyStatus: 'ready' });
      } catch (err) {
        if (mine === generation) set({ historyStatus: 'error', historyError: errorMessage(err) });
      }
    },
  };
};
