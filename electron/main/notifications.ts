import type { BrowserWindow } from 'electron';
import type { EventBatch } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { FINAL_RUN_STATES, SETTLED_TASK_STATES, type RunState, type TaskState } from '../../shared/states.ts';
import type { Coordinator } from '../engine/coordinator/coordinator.ts';
import type { Engine } from '../engine/engine.ts';
import type { AppShell, TaskbarProgress } from './app-shell.ts';

/** What the notifier needs: the engine's run starts, the shell, and the window it reports on. */
export interface RunNotifierDeps {
  engine: Pick<Engine, 'onRunStarted'>;
  shell: Pick<AppShell, 'notify' | 'setProgress'>;
  /** The main window, if open. */
  window(): BrowserWindow | undefined;
  /** Brings the window to the front (a notification was clicked). */
  focusWindow(): void;
}

type Coordinated = Pick<Coordinator, 'runId' | 'snapshot' | 'subscribe'>;

interface Watched {
  coordinator: Coordinated;
  stop: () => void;
  state: RunState;
}

function count(s: RunSnapshot, states: TaskState[]): number {
  return states.reduce((n, st) => n + s.counts[st], 0);
}

/** The notification for a run that just entered `state`, or undefined when it deserves none. */
export function runNotice(s: RunSnapshot): { title: string; body: string } | undefined {
  const total = s.order.length;
  const failed = count(s, ['FAILED', 'UPSTREAM_FAILED']);
  switch (s.state) {
    case 'COMPLETE':
      return { title: 'Run complete', body: `${s.jobName}: all ${total} tasks complete.` };
    case 'PARTIAL':
      return { title: 'Run finished with gaps', body: `${s.jobName}: ${s.counts.COMPLETE} of ${total} tasks complete, ${s.counts.SKIPPED} skipped.` };
    case 'FAILED':
      return { title: 'Run failed', body: `${s.jobName}: ${failed} of ${total} tasks failed.` };
    case 'NEEDS_ATTENTION':
      return { title: 'Run needs attention', body: `${s.jobName}: ${s.counts.FAILED} failed; retry or skip them to continue.` };
    default:
      return undefined; // RUNNING, and CANCELLED (the user did it), need no notice
  }
}

/**
 * Reports runs outside the page: taskbar/dock progress (settled tasks / all tasks over every active run,
 * `paused` while one waits for a person) and a system notification when a run ends or needs attention,
 * only when the window is not focused (otherwise the page already shows it).
 */
export class RunNotifier {
  private readonly deps: RunNotifierDeps;
  private readonly runs = new Map<string, Watched>();
  private readonly offStarted: () => void;
  private shown: TaskbarProgress = null;

  constructor(deps: RunNotifierDeps) {
    this.deps = deps;
    this.offStarted = deps.engine.onRunStarted((c) => this.watch(c));
  }

  /** Stops watching every run and clears the taskbar. */
  close(): void {
    this.offStarted();
    for (const w of this.runs.values()) w.stop();
    this.runs.clear();
    this.refreshProgress();
  }

  private watch(c: Coordinated): void {
    this.runs.get(c.runId)?.stop(); // resumed: the new coordinator replaces the released one
    const watched: Watched = { coordinator: c, stop: () => {}, state: c.snapshot.state };
    watched.stop = c.subscribe((batch) => this.onBatch(watched, batch));
    this.runs.set(c.runId, watched);
    this.refreshProgress();
  }

  private onBatch(w: Watched, batch: EventBatch): void {
    if (this.runs.get(w.coordinator.runId) !== w) return;
    const snapshot = w.coordinator.snapshot;
    if (batch.events.some((e) => e.type === 'run.state') && snapshot.state !== w.state) {
      w.state = snapshot.state;
      this.announce(snapshot);
      if (FINAL_RUN_STATES.has(snapshot.state)) {
        w.stop();
        this.runs.delete(w.coordinator.runId);
      }
    }
    this.refreshProgress();
  }

  private announce(snapshot: RunSnapshot): void {
    const notice = runNotice(snapshot);
    if (!notice) return;
    const win = this.deps.window();
    if (win && !win.isDestroyed() && win.isFocused()) return;
    this.deps.shell.notify(notice.title, notice.body, () => this.deps.focusWindow());
  }

  private refreshProgress(): void {
    let settled = 0;
    let total = 0;
    let waiting = false;
    for (const w of this.runs.values()) {
      const s = w.coordinator.snapshot;
      total += s.order.length;
      for (const st of SETTLED_TASK_STATES) settled += s.counts[st];
      waiting ||= s.state === 'NEEDS_ATTENTION';
    }
    // Rounded to whole percents: a 1,000-region run must not call into the OS on every batch.
    const next: TaskbarProgress = total === 0 ? null : { fraction: Math.floor((settled / total) * 100) / 100, mode: waiting ? 'paused' : 'normal' };
    if (sameProgress(next, this.shown)) return;
    this.shown = next;
    const win = this.deps.window();
    if (win && !win.isDestroyed()) this.deps.shell.setProgress(win, next);
  }
}

function sameProgress(a: TaskbarProgress, b: TaskbarProgress): boolean {
  if (a === null || b === null) return a === b;
  return a.fraction === b.fraction && a.mode === b.mode;
}
