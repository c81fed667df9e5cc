import type { RunSnapshot } from '../../../shared/snapshot.ts';
import type { OnFailurePolicy, RunState } from '../../../shared/states.ts';

/** A run state the coordinator settles in by itself (CANCELLED comes only from cancelRun). */
export type SettledRunState = 'COMPLETE' | 'PARTIAL' | 'FAILED' | 'NEEDS_ATTENTION';

/**
 * The state a run settles in once nothing is running, queued or waiting out a backoff.
 * Returns null while some task can still make progress without a person.
 */
export function settledRunState(snapshot: RunSnapshot, policy: OnFailurePolicy): SettledRunState | null {
  const c = snapshot.counts;
  if (c.QUEUED > 0 || c.IN_PROGRESS > 0 || c.RETRYING > 0) return null;
  if (c.COMPLETE === snapshot.order.length) return 'COMPLETE';
  // A cancelled task counts as a failed one: under `wait` it and its BLOCKED downstream wait for a person.
  if (c.FAILED > 0 || c.CANCELLED > 0 || c.BLOCKED > 0) return policy === 'wait' ? 'NEEDS_ATTENTION' : 'FAILED';
  if (c.UPSTREAM_FAILED > 0) return 'FAILED';
  return 'PARTIAL';
}

/** Whether a run in this state has a coordinator that may still start attempts. */
export function isLive(state: RunState): boolean {
  return state === 'RUNNING' || state === 'NEEDS_ATTENTION';
}
