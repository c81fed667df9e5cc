import { applyEvent } from '../../../shared/apply-event.ts';
import type { EventBatch } from '../../../shared/events.ts';
import type { RunSnapshot } from '../../../shared/snapshot.ts';
import { taskLabel } from './format.ts';

/**
 * Prints `[<task-id>] <name>: <FROM> -> <TO>` for every task transition in committed batches, by folding the
 * batches into its own copy of the run with the shared applyEvent.
 */
export class TransitionPrinter {
  private snapshot: RunSnapshot;
  private readonly write: (line: string) => void;

  /** `start` becomes this view's own (a snapshot nobody else folds events into: fresh from the store). */
  constructor(start: RunSnapshot, write: (line: string) => void) {
    // Its own from here on: applyEvent updates a snapshot's task map in place.
    this.snapshot = start;
    this.write = write;
  }

  /** Prints the transitions in one batch. */
  onBatch(batch: EventBatch): void {
    for (const event of batch.events) {
      if (event.seq <= this.snapshot.seq) continue;
      const taskId = 'taskId' in event ? event.taskId : undefined;
      const before = taskId ? this.snapshot.tasks[taskId].state : undefined;
      this.snapshot = applyEvent(this.snapshot, event);
      if (!taskId) continue;
      const t = this.snapshot.tasks[taskId];
      if (t.state !== before) this.write(`${taskLabel(t)}: ${before} -> ${t.state}`);
    }
  }
}
