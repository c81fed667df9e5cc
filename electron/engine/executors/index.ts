// The executors' public surface, for the coordinator and the CLI.
export type { AttemptHooks, AttemptRequest, Executor, ExecutorFactory } from './executor.ts';
export { AttemptError } from './attempt-errors.ts';
export { createExecutor, type ExecutorOptions } from './create-executor.ts';
export { ExecutorSet } from './executor-set.ts';
export { ThreadExecutor, type ThreadExecutorOptions } from './thread-executor.ts';
export { PooledExecutor, type PooledExecutorOptions } from './pooled-executor.ts';
export { ProcessExecutor, type ProcessExecutorOptions } from './process-executor.ts';
export { setWorkerEntries, workerEntries, type WorkerEntries } from '../worker/entries.ts';
export type { ProcessorContext, Processor } from '../worker/context.ts';
