import { availableParallelism } from 'node:os';
import { deserialize } from 'node:v8';
import type { ControlPreview } from '../../shared/contract.ts';
import type { ControlAction } from '../../shared/controls.ts';
import { DprocError, ERROR_CODES } from '../../shared/errors.ts';
import type { JobPlan } from '../../shared/job-schema.ts';
import { toJsonSafe } from '../../shared/json-safe.ts';
import { buildRunReport, type RunReport } from '../../shared/run-report.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import type { IsolationLevel, OnFailurePolicy } from '../../shared/states.ts';
import { Coordinator } from './coordinator/coordinator.ts';
import { ExecutorSet } from './executors/executor-set.ts';
import type { ExecutorFactory } from './executors/executor.ts';
import { loadJob } from './job/load-job.ts';
import { RunStore } from './store/run-store.ts';

/** A run's settings, resolved from overrides, the job file and the engine's defaults. */
export interface RunSettings {
  concurrency: number;
  onFailure: OnFailurePolicy;
}

/**
 * A validated job about to run: its settings and its executors, made before any store is opened. Its
 * executors hear at once which attempts will start first (Executor.expect), so an executor that boots
 * workers ahead can do so while the store opens and the run is recorded. Engine.start takes it over.
 */
export interface PreparedRun {
  readonly plan: JobPlan;
  readonly settings: RunSettings;
  readonly executors: ExecutorSet;
}

/** Overrides of a job file's run settings (CLI flags, the launcher's fields). */
export interface RunOverrides {
  concurrency?: number;
  onFailure?: OnFailurePolicy;
}

export interface EngineOptions {
  dataDir: string;
  /** Failure policy when neither the job file nor the caller sets one: `fail` for the CLI, `wait` for the app. */
  defaultOnFailure?: OnFailurePolicy;
  progressIntervalMs?: number;
}

/**
 * The engine as the CLI, `dproc serve` and Electron main use it: one store, and one coordinator (with its
 * own executors) per run this process drives. Never imports electron.
 */
export class Engine {
  readonly store: RunStore;
  readonly dataDir: string;
  private readonly options: EngineOptions;
  private readonly active = new Map<string, { coordinator: Coordinator; executors: ExecutorSet }>();
  private readonly startListeners = new Set<(c: Coordinator) => void>();

  private constructor(store: RunStore, options: EngineOptions) {
    this.store = store;
    this.dataDir = options.dataDir;
    this.options = options;
  }

  /** Opens (creating if needed) the store in the data directory. */
  static open(options: EngineOptions): Engine {
    return new Engine(RunStore.open(options.dataDir), options);
  }

  /** Loads and validates a job file with the overrides applied; throws DprocError(s) naming file, task and field. */
  async validate(file: string, overrides: RunOverrides = {}): Promise<JobPlan> {
    return loadJob(file, overrides);
  }

  /** Validates a job file (or takes a prepared one: see prepareRun), records a new run and starts it. */
  async start(job: string | PreparedRun, overrides: RunOverrides = {}): Promise<Coordinator> {
    const run = typeof job === 'string' ? prepareRun(await this.validate(job, overrides), overrides, this.options.defaultOnFailure) : job;
    let coordinator: Coordinator;
    try {
      coordinator = Coordinator.start(run.plan, run.settings, this.deps(run.executors));
    } catch (err) {
      await run.executors.close();
      throw err;
    }
    return this.track(coordinator, run.executors);
  }

  /**
   * Continues a run this process does not drive (interrupted, cancelled, or finished and about to be
   * retried or skipped). `controls` are applied before anything is scheduled.
   */
  resume(runId: string, controls: { retry?: string[]; skip?: string[] } = {}): Coordinator {
    const existing = this.active.get(runId);
    if (existing) {
      for (const id of controls.retry ?? []) existing.coordinator.retry(id);
      for (const id of controls.skip ?? []) existing.coordinator.skip(id);
      return existing.coordinator;
    }
    const snapshot = this.store.loadSnapshot(runId);
    const executors = new ExecutorSet(snapshot.options.concurrency);
    let coordinator: Coordinator;
    try {
      coordinator = Coordinator.resume(runId, this.deps(executors), controls);
    } catch (err) {
      void executors.close();
      throw err;
    }
    return this.track(coordinator, executors);
  }

  /** Applies a manual control to a run, resuming it in this process if nobody drives it. */
  control(runId: string, action: ControlAction, taskId: string): ControlPreview {
    const c = this.active.get(runId)?.coordinator;
    if (c) return action === 'retry' ? c.retry(taskId) : action === 'skip' ? c.skip(taskId) : c.cancel(taskId);
    if (action === 'cancel') {
      throw new DprocError(ERROR_CODES.INVALID_CONTROL, `run ${runId} is not running in this process; nothing to cancel`, { taskId });
    }
    const preview = this.preview(runId, action, taskId);
    if (!preview.allowed) throw new DprocError(ERROR_CODES.INVALID_CONTROL, preview.reason ?? 'not allowed', { taskId });
    this.resume(runId, { [action]: [taskId] });
    return preview;
  }

  /** What a control would change, for a run driven here or only stored. */
  preview(runId: string, action: ControlAction, taskId: string): ControlPreview {
    const c = this.active.get(runId)?.coordinator;
    if (c) return c.preview(action, taskId);
    return Coordinator.previewStored(this.store.loadSnapshot(runId), action, taskId);
  }

  /** The coordinator driving a run in this process, if any. */
  coordinator(runId: string): Coordinator | undefined {
    return this.active.get(runId)?.coordinator;
  }

  /** The freshest snapshot of a run: live from its coordinator, else replayed from the store. */
  snapshot(runId: string): RunSnapshot {
    return this.active.get(runId)?.coordinator.snapshot ?? this.store.loadSnapshot(runId);
  }

  /** A task's output as JSON-safe values, or undefined when it has none. */
  output(runId: string, taskId: string): unknown {
    const bytes = this.store.getOutput(runId, taskId);
    return bytes === undefined ? undefined : toJsonSafe(deserialize(bytes));
  }

  /** The `--json` report of a run (outputs read from the store). */
  report(runId: string, snapshot = this.snapshot(runId)): RunReport {
    const complete = snapshot.order.filter((id) => snapshot.tasks[id].state === 'COMPLETE');
    const outputs = new Map<string, unknown>();
    for (const [id, bytes] of this.store.getOutputs(runId, complete)) outputs.set(id, toJsonSafe(deserialize(bytes)));
    return buildRunReport(snapshot, outputs);
  }

  /** Called with each coordinator this engine starts or resumes (the UI bridge subscribes here). */
  onRunStarted(listener: (c: Coordinator) => void): () => void {
    this.startListeners.add(listener);
    return () => this.startListeners.delete(listener);
  }

  /** Stops driving a run: commits what is pending, releases it, and stops its workers. */
  async release(runId: string): Promise<void> {
    const entry = this.active.get(runId);
    if (!entry) return;
    this.active.delete(runId);
    try {
      await entry.coordinator.close();
    } finally {
      await entry.executors.close();
    }
  }

  /** Releases every run and closes the store. */
  async close(): Promise<void> {
    for (const runId of [...this.active.keys()]) await this.release(runId);
    this.store.close();
  }

  private deps(executors: ExecutorSet) {
    return { store: this.store, executors, progressIntervalMs: this.options.progressIntervalMs };
  }

  private track(coordinator: Coordinator, executors: ExecutorSet): Coordinator {
    this.active.set(coordinator.runId, { coordinator, executors });
    for (const l of this.startListeners) l(coordinator);
    return coordinator;
  }
}

/**
 * Resolves a plan's run settings and creates its executors, telling each at once how many of the tasks
 * that can start first will run on it (the coordinator's forecast, before there is a coordinator).
 */
export function prepareRun(
  plan: JobPlan,
  overrides: RunOverrides = {},
  defaultOnFailure: OnFailurePolicy = 'fail',
  factory?: ExecutorFactory,
): PreparedRun {
  const settings: RunSettings = {
    concurrency: overrides.concurrency ?? plan.concurrency ?? availableParallelism(),
    onFailure: overrides.onFailure ?? plan.onFailure ?? defaultOnFailure,
  };
  const executors = new ExecutorSet(settings.concurrency, factory);
  const first = new Map<IsolationLevel, { count: number; memoryLimitMb: number }>();
  let n = 0;
  for (const task of plan.tasks) {
    if (task.blockedBy.length > 0) continue;
    const seen = first.get(task.isolation);
    if (seen) seen.count++;
    else first.set(task.isolation, { count: 1, memoryLimitMb: task.memoryLimitMb });
    if (++n >= settings.concurrency) break;
  }
  for (const [kind, { count, memoryLimitMb }] of first) executors.get(kind).expect?.(count, memoryLimitMb);
  return { plan, settings, executors };
}
