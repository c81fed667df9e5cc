import { TaskDrawer } from './components/drawer/TaskDrawer.tsx';
import { RunHeader } from './components/header/RunHeader.tsx';
import { HistoryList } from './components/history/HistoryList.tsx';
import { Launcher } from './components/launcher/Launcher.tsx';
import { ConfirmDialog } from './components/shell/ConfirmDialog.tsx';
import { ConnectionBadge } from './components/shell/ConnectionBadge.tsx';
import { NoticeBar } from './components/shell/NoticeBar.tsx';
import { Workspace } from './components/shell/Workspace.tsx';

/** One window: header with the open run, launcher and history on the left, the run's views, the task drawer. */
export function App() {
  return (
    <div className="app">
      <header className="app__header">
        <span className="app__brand">dproc</span>
        <RunHeader />
        <ConnectionBadge />
      </header>
      <NoticeBar />
      <div className="app__body">
        <aside className="app__sidebar">
          <Launcher />
          <HistoryList />
        </aside>
        <Workspace />
        <TaskDrawer />
      </div>
      <ConfirmDialog />
    </div>
  );
}
