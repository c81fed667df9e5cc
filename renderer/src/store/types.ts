import type { StoreApi } from 'zustand/vanilla';
import type { Carrier } from '../api/types.ts';
import type { ControlsSlice } from './controls-slice.ts';
import type { HistorySlice } from './history-slice.ts';
import type { JobsSlice } from './jobs-slice.ts';
import type { LogsSlice } from './logs-slice.ts';
import type { RunSlice } from './run-slice.ts';
import type { UiSlice } from './ui-slice.ts';

/** The whole renderer state: one zustand store made of slices, each with its own file. */
export type AppState = JobsSlice & RunSlice & HistorySlice & UiSlice & LogsSlice & ControlsSlice;

export type SetState = StoreApi<AppState>['setState'];
export type GetState = StoreApi<AppState>['getState'];

/** A slice gets the store's set/get and the carrier its actions talk through. */
export type SliceCreator<T> = (set: SetState, get: GetState, carrier: Carrier) => T;
