// The API layer both carriers share (Electron IPC in electron/main, the WebSocket in electron/server):
// contract handlers over the engine, and the event bridge that streams coalesced batches to each client.
export { API_ERROR_CODES, ApiRequestError, toApiError } from './api-errors.ts';
export { createApiService, type ApiService, type ApiServiceOptions } from './api-service.ts';
export { EventBridge, type BridgeEngine, type EventBridgeOptions, type EventSink } from './event-bridge.ts';
export {
  APP_DEFAULT_ON_FAILURE,
  createApiHandlers,
  dispatch,
  type ApiContext,
  type ApiHandlerOptions,
  type ApiHandlers,
  type ApiReply,
} from './handlers.ts';
export { JobCatalog, type JobCatalogOptions } from './job-catalog.ts';
export { releaseFinishedRuns } from './run-retention.ts';
