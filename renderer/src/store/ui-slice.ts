import type { TaskState } from '../../../shared/states.ts';
import type { Carrier, ConnectionState } from '../api/types.ts';
import type { SliceCreator } from './types.ts';

export type WorkspaceTab = 'graph' | 'regions' | 'timeline' | 'results';

export type RegionSortKey = 'order' | 'name' | 'state' | 'progress' | 'attempts' | 'duration' | 'error';

/** The regions table's filter, search and sort; kept here so they survive switching tabs. */
export interface RegionsQuery {
  state: TaskState | 'ALL';
  search: string;
  sort: RegionSortKey;
  descending: boolean;
}

/** A change the user must confirm, with what it will touch. */
export interface ConfirmRequest {
  title: string;
  message: string;
  /** Task ids the action changes; shown as a list with their current state. */
  affected?: string[];
  /** Set when the engine says the action is not allowed now: the dialog explains and cannot confirm. */
  blockedReason?: string;
  confirmLabel: string;
  danger?: boolean;
  /** Performs the change; a returned string is shown as a notice. */
  run(): Promise<string | void>;
}

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface UiSlice {
  connection: ConnectionState;
  carrierKind: Carrier['kind'];
  /** Electron only: the native "Open…" dialog for a job file. */
  pickJobFile?: () => Promise<string | null>;
  tab: WorkspaceTab;
  selectedTaskId?: string;
  /** foreach groups the user expanded in the DAG view (large runs start collapsed). */
  expandedGroups: Record<string, boolean>;
  regionsQuery: RegionsQuery;
  confirm?: ConfirmRequest;
  notice?: Notice;
  setRegionsQuery(patch: Partial<RegionsQuery>): void;
  setTab(tab: WorkspaceTab): void;
  selectTask(taskId: string | undefined): void;
  toggleGroup(group: string): void;
  askConfirm(request: ConfirmRequest): void;
  closeConfirm(): void;
  notify(kind: Notice['kind'], text: string): void;
  dismissNotice(): void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set, get, carrier) => {
  let noticeId = 0;
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  return {
    connection: carrier.connection(),
    carrierKind: carrier.kind,
    pickJobFile: carrier.pickJobFile,
    tab: 'graph',
    expandedGroups: {},
    regionsQuery: { state: 'ALL', search: '', sort: 'order', descending: false },
    setRegionsQuery: (patch) => set({ regionsQuery: { ...get().regionsQuery, ...patch } }),
    setTab: (tab) => set({ tab }),
    selectTask(taskId) {
      set({ selectedTaskId: taskId });
      if (taskId) void get().openLogs(taskId);
      else get().closeLogs();
    },
    toggleGroup(group) {
      const expandedGroups = { ...get().expandedGroups };
      if (expandedGroups[group]) delete expandedGroups[group];
      else expandedGroups[group] = true;
      set({ expandedGroups });
    },
    askConfirm: (confirm) => set({ confirm }),
    closeConfirm: () => set({ confirm: undefined }),
    notify(kind, text) {
      clearTimeout(noticeTimer);
      set({ notice: { id: ++noticeId, kind, text } });
      if (kind === 'info') noticeTimer = setTimeout(() => get().dismissNotice(), 6_000);
    },
    dismissNotice: () => set({ notice: undefined }),
  };
};
