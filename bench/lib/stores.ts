import { initialSnapshot } from '../../shared/apply-event.ts';
import type { JournaledEvent, RunEvent } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import type { CoordinatorStore } from '../../electron/engine/coordinator/coordinator.ts';
import type { PendingOutput } from '../../electron/engine/coordinator/journal.ts';

type RunCreated = Extract<RunEvent, { type: 'run.created' }>;
type Summary = Parameters<CoordinatorStore['append']>[3];

/** How often the coordinator committed, how many events it committed, and how long the store took. */
export interface AppendStats {
  appends: number;
  events: number;
  ms: number;
}

/**
 * Wraps a real store to count and time `append` (one call per committed batch): the engine's journal
 * cost, measured inside the run it belongs to. Costs one closure call per append, about 1 µs.
 */
export class CountingStore implements CoordinatorStore {
  readonly stats: AppendStats = { appends: 0, events: 0, ms: 0 };
  readonly #inner: CoordinatorStore;

  constructor(inner: CoordinatorStore) {
    this.#inner = inner;
  }

  /** Delegates (not counted: once per run). */
  createRun(event: RunCreated): unknown {
    return this.#inner.createRun(event);
  }

  /** Delegates, timing the call. */
  append(runId: string, events: RunEvent[], outputs?: PendingOutput[], summary?: Summary): JournaledEvent[] {
    const t0 = performance.now();
    try {
      return this.#inner.append(runId, events, outputs, summary);
    } finally {
      this.stats.ms += performance.now() - t0;
      this.stats.appends++;
      this.stats.events += events.length;
    }
  }

  /** Delegates. */
  getOutputs(runId: string, taskIds: string[]): Map<string, Uint8Array> {
    return this.#inner.getOutputs(runId, taskIds);
  }

  /** Delegates. */
  loadSnapshot(runId: string): RunSnapshot {
    return this.#inner.loadSnapshot(runId);
  }

  /** Delegates. */
  claimRun(runId: string, owner: { pid: number; host: string }): void {
    this.#inner.claimRun(runId, owner);
  }

  /** Delegates. */
  releaseRun(runId: string): void {
    this.#inner.releaseRun(runId);
  }
}

/**
 * A store that keeps outputs in memory and drops events (it only counts seq numbers): a run on it costs
 * everything the engine does except SQLite, which is how the bench tells the journal's share apart.
 */
export class NullJournalStore implements CoordinatorStore {
  readonly #runs = new Map<string, { created: RunCreated; seq: number; outputs: Map<string, Uint8Array> }>();

  /** Keeps the run.created event (the coordinator reloads it as a snapshot at once). */
  createRun(event: RunCreated): unknown {
    this.#runs.set(event.runId, { created: event, seq: 1, outputs: new Map() });
    return undefined;
  }

  /** Numbers the events and keeps only the outputs. */
  append(runId: string, events: RunEvent[], outputs: PendingOutput[] = []): JournaledEvent[] {
    const run = this.#runs.get(runId)!;
    const journaled = events.map((e) => ({ ...e, seq: ++run.seq }) as JournaledEvent);
    for (const o of outputs) run.outputs.set(o.taskId, o.bytes);
    return journaled;
  }

  /** Outputs kept by append. */
  getOutputs(runId: string, taskIds: string[]): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    const outputs = this.#runs.get(runId)!.outputs;
    for (const id of taskIds) {
      const bytes = outputs.get(id);
      if (bytes) out.set(id, bytes);
    }
    return out;
  }

  /** Only valid right after createRun, which is the only time Coordinator.start asks. */
  loadSnapshot(runId: string): RunSnapshot {
    return initialSnapshot(this.#runs.get(runId)!.created);
  }

  /** Nobody else can own an in-memory run. */
  claimRun(): void {}

  /** Nothing to release. */
  releaseRun(): void {}
}
