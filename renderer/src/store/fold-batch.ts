import { applyEvent } from '../../../shared/apply-event.ts';
import type { EventBatch, JournaledEvent } from '../../../shared/events.ts';
import type { RunSnapshot } from '../../../shared/snapshot.ts';

export type FoldResult =
  | { kind: 'applied'; snapshot: RunSnapshot; events: JournaledEvent[] }
  /** Nothing new: another run, or everything in it is at or before the snapshot's seq. */
  | { kind: 'stale' }
  /** Events are missing between the snapshot and this batch (or the batch broke the state machine). */
  | { kind: 'gap'; reason: string };

/**
 * Folds one batch into a snapshot with the shared applyEvent, as one store update.
 *
 * Continuity follows EventBatch.fromSeq: with the snapshot at seq S, a batch is usable iff
 * `fromSeq <= S + 1` (fromSeq defaults to the first event's seq); its events with seq > S are folded in
 * order, and their seqs may skip (carriers drop progress events superseded within the batch). The result's
 * seq is the batch's seq, the last journal position the batch accounts for.
 *
 * applyEvent updates `snapshot.tasks` in place; the index is copied once per batch first, so a snapshot
 * already handed to React is never mutated (task objects themselves are replaced when they change, which
 * is what per-node selectors compare).
 */
export function foldBatch(snapshot: RunSnapshot, batch: EventBatch): FoldResult {
  if (batch.runId !== snapshot.runId || batch.seq <= snapshot.seq) return { kind: 'stale' };
  const fromSeq = batch.fromSeq ?? batch.events[0]?.seq ?? batch.seq;
  if (fromSeq > snapshot.seq + 1) return { kind: 'gap', reason: `have seq ${snapshot.seq}, batch starts at ${fromSeq}` };
  const events = batch.events.filter((e) => e.seq > snapshot.seq);
  let next: RunSnapshot = { ...snapshot, tasks: { ...snapshot.tasks } };
  try {
    for (const event of events) {
      if (event.seq <= next.seq) return { kind: 'gap', reason: `seq ${event.seq} out of order after ${next.seq}` };
      next = applyEvent(next, event);
    }
  } catch (err) {
    return { kind: 'gap', reason: err instanceof Error ? err.message : String(err) };
  }
  if (next.seq < batch.seq) next = { ...next, seq: batch.seq };
  return { kind: 'applied', snapshot: next, events };
}
