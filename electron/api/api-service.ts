import type { Engine } from '../engine/engine.ts';
import { EventBridge, type EventBridgeOptions } from './event-bridge.ts';
import { createApiHandlers, type ApiHandlerOptions, type ApiHandlers } from './handlers.ts';
import { releaseFinishedRuns } from './run-retention.ts';

/** Everything a carrier needs: the handlers, the bridge its sinks register with, and a way to stop both. */
export interface ApiService {
  handlers: ApiHandlers;
  bridge: EventBridge;
  /** Stops forwarding events and releasing runs; does not close the engine (its owner does). */
  close(): void;
}

/** Handler options plus the bridge's timing and an error callback for releases. */
export interface ApiServiceOptions extends Omit<ApiHandlerOptions, 'bridge'> {
  bridge?: EventBridgeOptions;
  /** Called when releasing a finished run fails (the store went away); default: ignored. */
  onError?: (err: unknown) => void;
}

/**
 * Wires the API onto an engine the way the app uses it (Electron main and `dproc serve` alike): one event
 * bridge, finished runs released (NEEDS_ATTENTION ones kept), and the handlers. Call it before any run starts.
 */
export function createApiService(engine: Engine, opts: ApiServiceOptions): ApiService {
  const bridge = new EventBridge(engine, opts.bridge);
  const stopReleasing = releaseFinishedRuns(engine, opts.onError);
  const handlers = createApiHandlers(engine, { ...opts, bridge });
  return {
    handlers,
    bridge,
    close() {
      stopReleasing();
      bridge.close();
    },
  };
}
