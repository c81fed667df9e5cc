import { FINAL_RUN_STATES } from '../../shared/states.ts';
import type { Coordinator } from '../engine/coordinator/coordinator.ts';
import type { Engine } from '../engine/engine.ts';

/**
 * The app's rule for how long the engine drives a run: while it is RUNNING or NEEDS_ATTENTION (waiting
 * for a person to retry or skip) its coordinator stays, so controls act at once; when it is COMPLETE,
 * PARTIAL, FAILED or CANCELLED it is released (workers stopped, ownership given up). A later retry or
 * skip resumes a released run through `engine.control`. Returns a function that stops applying the rule.
 */
export function releaseFinishedRuns(engine: Pick<Engine, 'onRunStarted' | 'coordinator' | 'release'>, onError: (err: unknown) => void = () => {}): () => void {
  const watched = new Map<Coordinator, () => void>();
  const off = engine.onRunStarted((c) => {
    const stop = c.subscribe((batch) => {
      if (!batch.events.some((e) => e.type === 'run.state' && FINAL_RUN_STATES.has(e.state))) return;
      // Later, not inside the journal's flush; and only if no control reopened the run meanwhile.
      setImmediate(() => {
        if (engine.coordinator(c.runId) !== c || !FINAL_RUN_STATES.has(c.snapshot.state)) return;
        watched.get(c)?.();
        watched.delete(c);
        engine.release(c.runId).catch(onError);
      });
    });
    watched.set(c, stop);
  });
  return () => {
    off();
    for (const stop of watched.values()) stop();
    watched.clear();
  };
}
