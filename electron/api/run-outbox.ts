import type { EventBatch, JournaledEvent } from '../../shared/events.ts';

/**
 * The events of one run waiting to go to one sink, between two sends. A `task.progress` event is dropped
 * when a later progress event of the same task arrives with no other event of that task in between (so
 * the fold of what is kept is exactly the fold of everything); every other event is kept, in order.
 *
 * The batch it hands out covers the journal range [fromSeq, seq]: seqs missing inside it are superseded
 * progress, not lost events. See EventBatch.fromSeq for the receiver's rule.
 */
export class RunOutbox {
  readonly runId: string;
  /** Highest seq taken in; anything at or below it (already in the subscriber's snapshot) is ignored. */
  private seen: number;
  private fromSeq: number | undefined;
  private events: (JournaledEvent | undefined)[] = [];
  private kept = 0;
  private readonly progressAt = new Map<string, number>();
  private readonly maxEvents: number;
  /** Totals since creation, for tests and the bench. */
  received = 0;
  dropped = 0;

  /** `afterSeq`: the seq of the snapshot the subscriber starts from. */
  constructor(runId: string, afterSeq: number, maxEvents = 50_000) {
    this.runId = runId;
    this.seen = afterSeq;
    this.maxEvents = maxEvents;
  }

  /** Whether a batch is waiting. */
  get isEmpty(): boolean {
    return this.kept === 0;
  }

  /** Takes in a committed batch's events (in seq order), coalescing progress. */
  push(events: readonly JournaledEvent[]): void {
    for (const e of events) {
      if (e.seq <= this.seen) continue;
      this.seen = e.seq;
      this.received++;
      if (this.kept >= this.maxEvents) this.overflow(e.seq);
      this.fromSeq ??= e.seq;
      if (e.type === 'task.progress') {
        const before = this.progressAt.get(e.taskId);
        if (before !== undefined) {
          this.events[before] = undefined;
          this.kept--;
          this.dropped++;
        }
        this.progressAt.set(e.taskId, this.events.length);
      } else if ('taskId' in e) {
        // A fence: the progress before this event stays, so transitions around it fold as they did.
        this.progressAt.delete(e.taskId);
      }
      this.events.push(e);
      this.kept++;
    }
  }

  /** The waiting batch (and an empty outbox), or undefined when nothing waits. */
  take(): EventBatch | undefined {
    if (this.kept === 0 || this.fromSeq === undefined) return undefined;
    const events = this.events.filter((e): e is JournaledEvent => e !== undefined);
    const batch: EventBatch = { runId: this.runId, seq: events[events.length - 1].seq, fromSeq: this.fromSeq, events };
    this.events = [];
    this.kept = 0;
    this.fromSeq = undefined;
    this.progressAt.clear();
    return batch;
  }

  /**
   * A sink that stopped reading (a stalled socket) must not grow memory without bound: what waits is
   * dropped and the next batch starts at `seq`, so its fromSeq tells the receiver to fetch a snapshot.
   */
  private overflow(seq: number): void {
    this.dropped += this.kept;
    this.events = [];
    this.kept = 0;
    this.progressAt.clear();
    this.fromSeq = seq;
  }
}
