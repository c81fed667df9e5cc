import { stateLabel } from './format.ts';

/** A state name on its state colour (colours: styles/states.css). */
export function StateBadge({ state, testId }: { state: string; testId?: string }) {
  return (
    <span className="state-badge" data-state={state} data-testid={testId}>
      {stateLabel(state)}
    </span>
  );
}
