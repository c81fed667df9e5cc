import type { IsolationLevel } from '../../../shared/states.ts';
import { createExecutor } from './create-executor.ts';
import type { Executor, ExecutorFactory, Forecast } from './executor.ts';

/**
 * The executors of one run: one per isolation level its tasks use, created on first use (so a job that
 * only uses `thread` never starts a child process), all closed together.
 */
export class ExecutorSet {
  readonly #concurrency: number;
  readonly #factory: ExecutorFactory;
  readonly #executors = new Map<IsolationLevel, Executor>();
  #closed = false;

  constructor(concurrency: number, factory: ExecutorFactory = createExecutor) {
    this.#concurrency = concurrency;
    this.#factory = factory;
  }

  /** The executor for `kind`, created on first call. */
  get(kind: IsolationLevel): Executor {
    if (this.#closed) throw new Error(`ExecutorSet is closed; cannot run a "${kind}" attempt`);
    let executor = this.#executors.get(kind);
    if (!executor) {
      executor = this.#factory(kind, this.#concurrency);
      this.#executors.set(kind, executor);
    }
    return executor;
  }

  /** Passes the coordinator's forecast on: to each executor created so far, its share (0 if none). */
  forecast(upcoming: Forecast): void {
    for (const [kind, executor] of this.#executors) executor.expect?.(upcoming[kind] ?? 0);
  }

  /** Isolation levels whose executor has been created. */
  kinds(): IsolationLevel[] {
    return [...this.#executors.keys()];
  }

  /** Closes every executor created so far; pending attempts reject. */
  async close(): Promise<void> {
    this.#closed = true;
    const executors = [...this.#executors.values()];
    this.#executors.clear();
    await Promise.all(executors.map((executor) => executor.close()));
  }
}
