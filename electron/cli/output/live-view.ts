import { applyEvent } from '../../../shared/apply-event.ts';
import type { EventBatch } from '../../../shared/events.ts';
import type { RunSnapshot } from '../../../shared/snapshot.ts';
import { formatCount, formatDuration, taskLabel } from './format.ts';

const BAR = 24;

function bar(fraction: number): string {
  const filled = Math.max(0, Math.min(BAR, Math.round(fraction * BAR)));
  return `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
}

/**
 * The terminal view of `dproc run`: a progress bar per running task and an overall bar, redrawn in place at
 * most ten times a second; failures and retries are printed above it as permanent lines.
 */
export class LiveView {
  private snapshot: RunSnapshot;
  private readonly out: NodeJS.WriteStream;
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `start` becomes this view's own (a snapshot nobody else folds events into: fresh from the store). */
  constructor(start: RunSnapshot, out: NodeJS.WriteStream) {
    // Its own from here on: applyEvent updates a snapshot's task map in place.
    this.snapshot = start;
    this.out = out;
  }

  /** Folds a committed batch in and schedules a redraw. */
  onBatch(batch: EventBatch): void {
    const notes: string[] = [];
    for (const event of batch.events) {
      if (event.seq <= this.snapshot.seq) continue;
      this.snapshot = applyEvent(this.snapshot, event);
      if (event.type === 'attempt.failed') {
        const t = this.snapshot.tasks[event.taskId];
        const next = event.retryAt ? `retrying in ${formatDuration(event.retryAt - event.at)}` : 'no retries left';
        notes.push(`${taskLabel(t)}: attempt ${t.attempts.at(-1)?.attempt} failed: ${event.error.message} (${next})`);
      }
    }
    if (notes.length > 0) {
      this.clear();
      this.out.write(notes.map((n) => `${n}\n`).join(''));
      this.draw();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.redraw();
      }, 100);
    }
  }

  /** Removes the live block so the final summary prints on a clean screen. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private redraw(): void {
    this.clear();
    this.draw();
  }

  private clear(): void {
    if (this.drawnLines === 0) return;
    this.out.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    const s = this.snapshot;
    const total = s.order.length;
    const settled = s.counts.COMPLETE + s.counts.SKIPPED + s.counts.FAILED + s.counts.UPSTREAM_FAILED + s.counts.CANCELLED;
    // A pseudo-terminal may report 0 columns/rows (script, some CI): fall back to a usual size.
    const width = this.out.columns > 20 ? this.out.columns : 100;
    const lines = [
      `Overall ${bar(total ? settled / total : 0)} ${formatCount(settled)}/${formatCount(total)} tasks · ${s.counts.IN_PROGRESS} running · ${s.counts.FAILED} failed · ${formatDuration(Date.now() - s.startedAt)}`,
    ];
    const running = s.order.filter((id) => s.tasks[id].state === 'IN_PROGRESS' || s.tasks[id].state === 'RETRYING');
    const rows = Math.max(1, (this.out.rows > 8 ? this.out.rows : 24) - 4);
    for (const id of running.slice(0, rows)) {
      const t = s.tasks[id];
      const p = t.progress;
      const frac = p?.total ? p.done / p.total : 0;
      const detail = t.state === 'RETRYING' ? 'waiting to retry' : p?.total ? `${Math.floor(frac * 100)}% ${p.message ?? ''}` : (p?.message ?? '');
      lines.push(`  ${taskLabel(t)} ${bar(frac)} ${detail}`.slice(0, width - 1));
    }
    if (running.length > rows) lines.push(`  … and ${running.length - rows} more`);
    this.out.write(lines.map((l) => `${l}\n`).join(''));
    this.drawnLines = lines.length;
  }
}
