import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENTS_CHANNEL } from '../../shared/contract.ts';
import type { EventBatch } from '../../shared/events.ts';
import { WindowEventSink, WindowSinks } from '../../electron/main/event-sink.ts';
import { FakeWebContents } from './main-fake-electron.ts';

const batch: EventBatch = { runId: 'r1', seq: 2, fromSeq: 1, events: [] };

describe('window event sink', () => {
  it('sends each batch to the page on dproc:events', () => {
    const contents = new FakeWebContents();
    new WindowEventSink(contents).send(batch);
    expect(contents.send).toHaveBeenCalledWith(IPC_EVENTS_CHANNEL, batch);
  });

  it('throws once the window is destroyed, so the bridge drops it', () => {
    const contents = new FakeWebContents();
    contents.destroyed = true;
    expect(() => new WindowEventSink(contents).send(batch)).toThrow();
    expect(contents.send).not.toHaveBeenCalled();
  });
});

describe('one sink per page', () => {
  it('gives a window the same sink until its page is replaced', () => {
    const bridge = { removeSink: vi.fn() };
    const sinks = new WindowSinks(bridge);
    const contents = new FakeWebContents();
    const first = sinks.for(contents);
    expect(sinks.for(contents)).toBe(first);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    contents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(bridge.removeSink).not.toHaveBeenCalled();
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false }); // a reload
    expect(bridge.removeSink).toHaveBeenCalledWith(first);
    const second = sinks.for(contents);
    expect(second).not.toBe(first);
    contents.destroy();
    expect(bridge.removeSink).toHaveBeenLastCalledWith(second);
  });

  it('listens to a window once however often its page reloads', () => {
    const sinks = new WindowSinks({ removeSink: vi.fn() });
    const contents = new FakeWebContents();
    for (let i = 0; i < 20; i++) {
      sinks.for(contents);
      contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    }
    expect(contents.listenerCount('did-start-navigation')).toBe(1);
    expect(contents.listenerCount('destroyed')).toBe(1);
  });
});
