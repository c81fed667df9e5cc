import type { WebContents } from 'electron';
import type { EventBatch } from '../../shared/events.ts';
import type { EventBridge, EventSink } from '../api/index.ts';
import { IPC_EVENTS_CHANNEL } from './ipc-protocol.ts';

/** The parts of a window's WebContents the sinks use (an Electron WebContents, or a test's fake). */
export interface SinkContents {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  on(event: 'did-start-navigation', listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
}

/**
 * The event bridge's sink for one page load of one window: each coalesced batch goes to the page on
 * `dproc:events`. Throwing once the window is gone makes the bridge drop this sink and its subscriptions.
 */
export class WindowEventSink implements EventSink {
  private readonly contents: Pick<WebContents, 'send' | 'isDestroyed'>;

  constructor(contents: Pick<WebContents, 'send' | 'isDestroyed'>) {
    this.contents = contents;
  }

  /** Sends one batch to the page (structured clone; the batch is plain data). */
  send(batch: EventBatch): void {
    if (this.contents.isDestroyed()) throw new Error('window closed');
    this.contents.send(IPC_EVENTS_CHANNEL, batch);
  }
}

/**
 * One sink per window, replaced whenever its page is replaced: a reload or a new document starts with no
 * subscriptions (the page subscribes again from a fresh snapshot), and a destroyed window leaves the bridge.
 */
export class WindowSinks {
  private readonly bridge: Pick<EventBridge, 'removeSink'>;
  private readonly sinks = new Map<number, WindowEventSink>();
  /** Windows whose navigation and destruction we already listen to (once each, however often they reload). */
  private readonly watched = new Set<number>();

  constructor(bridge: Pick<EventBridge, 'removeSink'>) {
    this.bridge = bridge;
  }

  /** The current sink of a window, created (and tied to the window's page lifetime) on first use. */
  for(contents: SinkContents): WindowEventSink {
    let sink = this.sinks.get(contents.id);
    if (sink) return sink;
    sink = new WindowEventSink(contents);
    this.sinks.set(contents.id, sink);
    if (!this.watched.has(contents.id)) {
      this.watched.add(contents.id);
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) this.drop(contents.id);
      });
      contents.on('destroyed', () => {
        this.drop(contents.id);
        this.watched.delete(contents.id);
      });
    }
    return sink;
  }

  private drop(id: number): void {
    const sink = this.sinks.get(id);
    if (!sink) return;
    this.sinks.delete(id);
    this.bridge.removeSink(sink);
  }
}
