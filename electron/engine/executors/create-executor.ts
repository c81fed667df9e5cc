import type { IsolationLevel } from '../../../shared/states.ts';
import type { Executor } from './executor.ts';
import { PooledExecutor, type PooledExecutorOptions } from './pooled-executor.ts';
import { ProcessExecutor, type ProcessExecutorOptions } from './process-executor.ts';
import { ThreadExecutor, type ThreadExecutorOptions } from './thread-executor.ts';

/** Per-kind tuning for createExecutor (all optional). */
export interface ExecutorOptions {
  thread?: ThreadExecutorOptions;
  pooled?: PooledExecutorOptions;
  process?: ProcessExecutorOptions;
}

/** Creates the executor for an isolation level, sized for `concurrency` attempts at once (an ExecutorFactory). */
export function createExecutor(kind: IsolationLevel, concurrency: number, options: ExecutorOptions = {}): Executor {
  switch (kind) {
    case 'thread':
      return new ThreadExecutor(concurrency, options.thread);
    case 'pooled':
      return new PooledExecutor(concurrency, options.pooled);
    case 'process':
      return new ProcessExecutor(concurrency, options.process);
    default: {
      const unknown: never = kind;
      throw new TypeError(`Unknown isolation level: ${String(unknown)}`);
    }
  }
}
