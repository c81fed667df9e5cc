import { memo } from 'react';
import { appState, useApp } from '../../store/index.ts';

/** One region in a collapsed group: a small square in its state colour; click opens the task drawer. */
export const RegionTile = memo(function RegionTile({ taskId }: { taskId: string }) {
  // One subscription per tile (there may be thousands): "STATE" or "STATE*" when selected.
  const view = useApp((s) => {
    const state = s.snapshot?.tasks[taskId]?.state ?? '';
    return s.selectedTaskId === taskId ? `${state}*` : state;
  });
  const selected = view.endsWith('*');
  const state = selected ? view.slice(0, -1) : view;
  return (
    <button
      type="button"
      tabIndex={-1}
      className={selected ? 'tile tile--selected' : 'tile'}
      data-testid={`tile-${taskId}`}
      data-task-id={taskId}
      data-state={state}
      title={`${taskId}: ${state?.toLowerCase().replace(/_/g, ' ')}`}
      aria-label={`${taskId}: ${state}`}
      onClick={(e) => {
        e.stopPropagation();
        appState().selectTask(taskId);
      }}
    />
  );
});
