import type { EventBatch } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import type { Coordinator } from '../engine/coordinator/coordinator.ts';
import type { Engine } from '../engine/engine.ts';
import { RunOutbox } from './run-outbox.ts';

/** One receiver of event batches: a WebSocket connection, or an Electron window. */
export interface EventSink {
  /** Delivers one batch; the bridge calls it at most once per interval per run. Throwing removes the sink. */
  send(batch: EventBatch): void;
  /** False while the sink cannot take more (a socket's send buffer is full): batches wait and keep coalescing. */
  canSend?(): boolean;
}

/** What the bridge needs of the engine (an Engine, or a fake around a Coordinator in tests). */
export type BridgeEngine = Pick<Engine, 'onRunStarted' | 'coordinator' | 'snapshot'>;

/** Timing and memory limits of the bridge. */
export interface EventBridgeOptions {
  /** Least time between two sends to one sink (ms). Default 33: about 30 batches/s. */
  intervalMs?: number;
  /** Events one sink may have waiting for one run before they are dropped for a snapshot refetch. Default 50,000. */
  maxPendingEvents?: number;
}

interface SinkState {
  sink: EventSink;
  outboxes: Map<string, RunOutbox>;
  timer: NodeJS.Timeout | undefined;
  lastSentAt: number;
}

interface Feed {
  coordinator: Coordinator | undefined;
  stop: (() => void) | undefined;
  sinks: Set<SinkState>;
}

/**
 * Forwards committed event batches of the runs each sink subscribed to, at most one batch per run every
 * `intervalMs` per sink, coalescing progress (see RunOutbox). It listens to a run's coordinator only while
 * some sink watches that run, and follows the run when it is resumed by a new coordinator.
 */
export class EventBridge {
  private readonly engine: BridgeEngine;
  private readonly intervalMs: number;
  private readonly maxPendingEvents: number;
  private readonly feeds = new Map<string, Feed>();
  private readonly sinks = new Map<EventSink, SinkState>();
  private readonly offRunStarted: () => void;

  constructor(engine: BridgeEngine, options: EventBridgeOptions = {}) {
    this.engine = engine;
    this.intervalMs = options.intervalMs ?? 33;
    this.maxPendingEvents = options.maxPendingEvents ?? 50_000;
    this.offRunStarted = engine.onRunStarted((c) => {
      const feed = this.feeds.get(c.runId);
      if (feed) this.attach(feed, c);
    });
  }

  /**
   * Starts sending `runId`'s batches to `sink` and returns the snapshot to start from: batches carry only
   * events after its seq. Subscribing again starts over from a fresh snapshot. Throws DPROC_E_RUN_NOT_FOUND.
   */
  subscribe(sink: EventSink, runId: string): RunSnapshot {
    // Snapshot and listener are taken in the same turn: every event after snapshot.seq is still to be committed.
    const snapshot = this.engine.snapshot(runId);
    const state = this.sinkState(sink);
    let feed = this.feeds.get(runId);
    if (!feed) {
      feed = { coordinator: undefined, stop: undefined, sinks: new Set() };
      this.feeds.set(runId, feed);
    }
    feed.sinks.add(state);
    state.outboxes.set(runId, new RunOutbox(runId, snapshot.seq, this.maxPendingEvents));
    const live = this.engine.coordinator(runId);
    if (live) this.attach(feed, live);
    return snapshot;
  }

  /** Stops sending `runId`'s batches to `sink`; what was waiting is dropped. */
  unsubscribe(sink: EventSink, runId: string): void {
    const state = this.sinks.get(sink);
    if (!state) return;
    state.outboxes.delete(runId);
    const feed = this.feeds.get(runId);
    if (!feed) return;
    feed.sinks.delete(state);
    if (feed.sinks.size === 0) {
      feed.stop?.();
      this.feeds.delete(runId);
    }
  }

  /** Forgets a sink entirely (its connection closed, its window was destroyed). */
  removeSink(sink: EventSink): void {
    const state = this.sinks.get(sink);
    if (!state) return;
    for (const runId of [...state.outboxes.keys()]) this.unsubscribe(sink, runId);
    clearTimeout(state.timer);
    this.sinks.delete(sink);
  }

  /** Runs a sink watches, for diagnostics and tests. */
  subscriptions(sink: EventSink): string[] {
    return [...(this.sinks.get(sink)?.outboxes.keys() ?? [])];
  }

  /** Stops listening to the engine and every coordinator; nothing more is sent. */
  close(): void {
    this.offRunStarted();
    for (const sink of [...this.sinks.keys()]) this.removeSink(sink);
  }

  private sinkState(sink: EventSink): SinkState {
    let state = this.sinks.get(sink);
    if (!state) {
      state = { sink, outboxes: new Map(), timer: undefined, lastSentAt: 0 };
      this.sinks.set(sink, state);
    }
    return state;
  }

  private attach(feed: Feed, coordinator: Coordinator): void {
    if (feed.coordinator === coordinator) return;
    feed.stop?.(); // the previous coordinator of this run was released; a resume replaced it
    feed.coordinator = coordinator;
    feed.stop = coordinator.subscribe((batch) => {
      for (const state of feed.sinks) {
        const outbox = state.outboxes.get(batch.runId);
        if (!outbox) continue;
        outbox.push(batch.events);
        if (!outbox.isEmpty) this.schedule(state);
      }
    });
  }

  private schedule(state: SinkState): void {
    if (state.timer) return;
    const wait = Math.max(0, state.lastSentAt + this.intervalMs - Date.now());
    // A timer even at 0 ms: every batch committed in this turn of the loop goes out together.
    state.timer = setTimeout(() => this.flush(state), wait);
    state.timer.unref();
  }

  private flush(state: SinkState): void {
    state.timer = undefined;
    if (this.sinks.get(state.sink) !== state) return;
    if (state.sink.canSend && !state.sink.canSend()) {
      state.lastSentAt = Date.now(); // try again one interval later; progress keeps coalescing meanwhile
      this.schedule(state);
      return;
    }
    for (const outbox of state.outboxes.values()) {
      const batch = outbox.take();
      if (!batch) continue;
      try {
        state.sink.send(batch);
      } catch {
        this.removeSink(state.sink); // a closed window or socket: nobody is listening any more
        return;
      }
    }
    // Stamped after sending: a slow send must not shorten the pause before the next one.
    state.lastSentAt = Date.now();
  }
}
