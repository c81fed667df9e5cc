import { useApp } from '../../store/index.ts';
import type { WorkspaceTab } from '../../store/ui-slice.ts';
import { DagView } from '../dag/DagView.tsx';
import { RegionsTable } from '../regions/RegionsTable.tsx';
import { Results } from '../results/Results.tsx';
import { Timeline } from '../timeline/Timeline.tsx';

const TABS: { tab: WorkspaceTab; label: string }[] = [
  { tab: 'graph', label: 'Graph' },
  { tab: 'regions', label: 'Regions' },
  { tab: 'timeline', label: 'Timeline' },
  { tab: 'results', label: 'Results' },
];

/** The open run's views, one at a time. */
export function Workspace() {
  const tab = useApp((s) => s.tab);
  const setTab = useApp((s) => s.setTab);
  const hasRun = useApp((s) => s.snapshot !== undefined);
  const status = useApp((s) => s.runStatus);
  const error = useApp((s) => s.runError);
  if (!hasRun) {
    return (
      <main className="workspace workspace--empty" data-testid="workspace">
        {status === 'loading' ? (
          <p>Loading run…</p>
        ) : status === 'error' ? (
          <p className="error-text" role="alert" data-testid="run-error">
            Could not open the run: {error}
          </p>
        ) : (
          <p>Choose a job and press Run, or open a run from History.</p>
        )}
      </main>
    );
  }
  return (
    <main className="workspace" data-testid="workspace">
      <div className="tabs" role="tablist" aria-label="Run views">
        {TABS.map((t) => (
          <button
            key={t.tab}
            type="button"
            role="tab"
            id={`tab-${t.tab}`}
            aria-selected={tab === t.tab}
            aria-controls="workspace-panel"
            data-testid={`tab-${t.tab}`}
            onClick={() => setTab(t.tab)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="workspace__panel" id="workspace-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'graph' && <DagView />}
        {tab === 'regions' && <RegionsTable />}
        {tab === 'timeline' && <Timeline />}
        {tab === 'results' && <Results />}
      </div>
    </main>
  );
}
