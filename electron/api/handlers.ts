import { parseRequest, type ApiError, type CommandName, type Request, type Response } from '../../shared/contract.ts';
import { ERROR_CODES, DprocError } from '../../shared/errors.ts';
import type { OnFailurePolicy } from '../../shared/states.ts';
import type { Engine } from '../engine/engine.ts';
import { jobProblems } from '../engine/job/format-job-error.ts';
import { API_ERROR_CODES, ApiRequestError, toApiError } from './api-errors.ts';
import type { EventBridge, EventSink } from './event-bridge.ts';
import { JobCatalog, type JobCatalogOptions } from './job-catalog.ts';
import { cancelRun, jobPreview, resumeRun, retryAllFailed, toJobProblem, toRunSummary } from './run-commands.ts';

/** The app's failure policy when a job file sets none: a failed region waits for a person. */
export const APP_DEFAULT_ON_FAILURE: OnFailurePolicy = 'wait';

/** Who is asking: the connection or window that subscribe/unsubscribe attach to. */
export interface ApiContext {
  sink?: EventSink;
}

/** One handler per command: validates `request` with the contract's zod schema, then calls the engine. */
export type ApiHandlers = {
  [C in CommandName]: (request: unknown, context?: ApiContext) => Promise<Response<C>>;
};

/** A handler's outcome as it crosses a carrier (WebSocket frame, IPC return value). */
export type ApiReply<C extends CommandName = CommandName> = { ok: true; response: Response<C> } | { ok: false; error: ApiError };

/** Where jobs come from, which paths are allowed, and the bridge subscribe uses. */
export interface ApiHandlerOptions extends JobCatalogOptions {
  /** Where subscribe/unsubscribe register sinks; without one, subscribe is refused. */
  bridge?: EventBridge;
  /** Shown in validateJob's preview; must match the engine's `defaultOnFailure`. Default `wait`. */
  defaultOnFailure?: OnFailurePolicy;
}

/** Builds the handlers Electron main and `dproc serve` both register, one per contract command. */
export function createApiHandlers(engine: Engine, opts: ApiHandlerOptions): ApiHandlers {
  const catalog = new JobCatalog(opts);
  const defaultOnFailure = opts.defaultOnFailure ?? APP_DEFAULT_ON_FAILURE;
  const parse = <C extends CommandName>(command: C, request: unknown): Request<C> => {
    try {
      return parseRequest(command, request);
    } catch (err) {
      // parseRequest's message already names the command and the field.
      throw new ApiRequestError(API_ERROR_CODES.BAD_REQUEST, err instanceof Error ? err.message : String(err));
    }
  };
  const sinkOf = (command: CommandName, context: ApiContext | undefined): { bridge: EventBridge; sink: EventSink } => {
    if (!opts.bridge || !context?.sink) throw new ApiRequestError(API_ERROR_CODES.BAD_REQUEST, `${command}: this carrier has no event channel`);
    return { bridge: opts.bridge, sink: context.sink };
  };
  const requireRun = (runId: string): void => {
    if (!engine.store.hasRun(runId)) throw new DprocError(ERROR_CODES.RUN_NOT_FOUND, `No run "${runId}" in ${engine.store.path}`);
  };

  return {
    async listJobs(request) {
      parse('listJobs', request);
      return { jobs: await catalog.list() };
    },
    async validateJob(request) {
      const { path, ...overrides } = parse('validateJob', request);
      const file = await catalog.resolveJobPath(path);
      try {
        return { ok: true, preview: jobPreview(await engine.validate(file, overrides), overrides, defaultOnFailure) };
      } catch (err) {
        const problems = jobProblems(err);
        if (problems.length === 0) throw err;
        return { ok: false, problems: problems.map(toJobProblem) };
      }
    },
    async startRun(request) {
      const { path, ...overrides } = parse('startRun', request);
      const coordinator = await engine.start(await catalog.resolveJobPath(path), overrides);
      return { runId: coordinator.runId };
    },
    async listRuns(request) {
      const { limit } = parse('listRuns', request);
      return { runs: engine.store.listRuns({ limit: limit ?? 100 }).map(toRunSummary) };
    },
    async getSnapshot(request) {
      const { runId } = parse('getSnapshot', request);
      return { snapshot: engine.snapshot(runId) };
    },
    async previewControl(request) {
      const { runId, taskId, action } = parse('previewControl', request);
      return engine.preview(runId, action, taskId);
    },
    async retryTask(request) {
      const { runId, taskId } = parse('retryTask', request);
      return engine.control(runId, 'retry', taskId);
    },
    async skipTask(request) {
      const { runId, taskId } = parse('skipTask', request);
      return engine.control(runId, 'skip', taskId);
    },
    async cancelTask(request) {
      const { runId, taskId } = parse('cancelTask', request);
      return engine.control(runId, 'cancel', taskId);
    },
    async retryAllFailed(request) {
      const { runId } = parse('retryAllFailed', request);
      return { retried: retryAllFailed(engine, runId) };
    },
    async cancelRun(request) {
      const { runId } = parse('cancelRun', request);
      cancelRun(engine, runId);
      return { ok: true };
    },
    async resumeRun(request) {
      const { runId } = parse('resumeRun', request);
      return { runId: resumeRun(engine, runId) };
    },
    async getTaskLogs(request) {
      const { runId, taskId, ...query } = parse('getTaskLogs', request);
      requireRun(runId);
      return { lines: engine.store.getLogs(runId, taskId, { ...query, limit: query.limit ?? 10_000 }) };
    },
    async getTaskOutput(request) {
      const { runId, taskId } = parse('getTaskOutput', request);
      requireRun(runId);
      const output = engine.output(runId, taskId);
      return output === undefined ? {} : { output };
    },
    async subscribe(request, context) {
      // afterSeq is accepted but a snapshot is always returned: the contract's reply is the snapshot.
      const { runId } = parse('subscribe', request);
      const { bridge, sink } = sinkOf('subscribe', context);
      return { snapshot: bridge.subscribe(sink, runId) };
    },
    async unsubscribe(request, context) {
      const { runId } = parse('unsubscribe', request);
      const { bridge, sink } = sinkOf('unsubscribe', context);
      bridge.unsubscribe(sink, runId);
      return { ok: true };
    },
  };
}

/**
 * Runs one command by name and never throws: an unknown command or any error becomes `{ ok: false, error }`
 * with a stable code. Carriers send the reply as is (IPC would otherwise lose the error's code).
 */
export async function dispatch(handlers: ApiHandlers, command: string, request: unknown, context?: ApiContext): Promise<ApiReply> {
  if (!Object.hasOwn(handlers, command)) {
    return { ok: false, error: { code: API_ERROR_CODES.BAD_REQUEST, message: `unknown command ${JSON.stringify(command).slice(0, 80)}` } };
  }
  try {
    const handler = handlers[command as CommandName] as (request: unknown, context?: ApiContext) => Promise<unknown>;
    return { ok: true, response: (await handler(request, context)) as Response<CommandName> };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
