import { serialize } from 'node:v8';
import { DprocError, ERROR_CODES } from '../../shared/errors.ts';
import type { AttemptHooks, AttemptRequest, Executor, Forecast } from '../../electron/engine/executors/executor.ts';
import type { ExecutorProvider } from '../../electron/engine/coordinator/coordinator.ts';

/** What a scripted attempt does: return a value, throw, or wait until the test settles it. */
export type Script = (req: AttemptRequest, hooks: AttemptHooks) => unknown;

/** One attempt the fake has started, which a test may finish by hand. */
export interface StartedAttempt {
  req: AttemptRequest;
  hooks: AttemptHooks;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * An in-process Executor driven by a script per task id: lets coordinator tests control exactly when and
 * how each attempt ends, and observe concurrency, without worker threads.
 */
export class FakeExecutor implements Executor, ExecutorProvider {
  readonly kind = 'thread' as const;
  readonly started: StartedAttempt[] = [];
  /** Every forecast the coordinator sent, in order. */
  readonly forecasts: Forecast[] = [];
  running = 0;
  maxRunning = 0;
  private readonly scripts: Partial<Record<string, Script>>;
  private readonly fallback: Script | 'manual';

  constructor(scripts: Record<string, Script> = {}, fallback: Script | 'manual' = (req) => ({ id: req.taskId })) {
    this.scripts = scripts;
    this.fallback = fallback;
  }

  get(): Executor {
    return this;
  }

  forecast(upcoming: Forecast): void {
    this.forecasts.push(upcoming);
  }

  execute(req: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<unknown>((resolve, reject) => {
      const attempt: StartedAttempt = { req, hooks, resolve, reject };
      this.started.push(attempt);
      hooks.signal.addEventListener('abort', () => reject(new DprocError(ERROR_CODES.CANCELLED, 'aborted')), { once: true });
      const script: Script | 'manual' = this.scripts[req.taskId] ?? this.fallback;
      if (script === 'manual') return;
      queueMicrotask(() => {
        try {
          const v = script(req, hooks);
          if (v !== MANUAL) Promise.resolve(v).then(resolve, reject);
        } catch (err) {
          reject(err);
        }
      });
    })
      .then((v) => serialize(v))
      .finally(() => this.running--);
  }

  /** The attempts started for a task, in order. */
  attemptsOf(taskId: string): StartedAttempt[] {
    return this.started.filter((a) => a.req.taskId === taskId);
  }

  async close(): Promise<void> {}
}

/** Returned by a script to leave the attempt running until the test resolves or rejects it. */
export const MANUAL = Symbol('manual');
