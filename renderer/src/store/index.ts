import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Carrier } from '../api/types.ts';
import { createControlsSlice } from './controls-slice.ts';
import { createHistorySlice } from './history-slice.ts';
import { createJobsSlice } from './jobs-slice.ts';
import { createLogsSlice } from './logs-slice.ts';
import { createRunSlice } from './run-slice.ts';
import type { AppState } from './types.ts';
import { createUiSlice } from './ui-slice.ts';

export type { AppState } from './types.ts';

let store: StoreApi<AppState> | undefined;

/** Creates the one store, bound to the carrier chosen at start-up, and wires its pushes into it. */
export function initStore(carrier: Carrier): StoreApi<AppState> {
  const s = createStore<AppState>()((set, get) => ({
    ...createJobsSlice(set, get, carrier),
    ...createRunSlice(set, get, carrier),
    ...createHistorySlice(set, get, carrier),
    ...createUiSlice(set, get, carrier),
    ...createLogsSlice(set, get, carrier),
    ...createControlsSlice(set, get, carrier),
  }));
  store = s;
  carrier.api.onEvents((batch) => s.getState().receiveBatch(batch));
  carrier.onOpenJob?.((path) => s.getState().selectJob(path));
  carrier.onConnection((connection, reconnected) => {
    s.setState({ connection });
    if (connection !== 'open' || !reconnected) return;
    const state = s.getState();
    if (state.runId) void state.resync(true);
    void state.loadHistory();
    if (state.jobsStatus === 'error') void state.loadJobs();
  });
  return s;
}

function getStore(): StoreApi<AppState> {
  if (!store) throw new Error('initStore() must run before the UI renders');
  return store;
}

/** Reads from the store with a selector; the component re-renders only when the selected value changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(getStore(), selector);
}

/** The store's current state, for event handlers that should not subscribe. */
export function appState(): AppState {
  return getStore().getState();
}
