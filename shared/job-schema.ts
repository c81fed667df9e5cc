import { z } from 'zod';
import { ISOLATION_LEVELS, ON_FAILURE_POLICIES, type IsolationLevel, type OnFailurePolicy } from './states.ts';

/** Letters, digits, `.`, `_` and `-`: safe in file names, URLs and log lines. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9._-]+$/;

/** The per-task settings that `defaults` sets and any task may override. */
export const taskSettingsSchema = z
  .object({
    retries: z.number().int().min(0).max(100),
    backoffMs: z.number().int().min(0),
    maxBackoffMs: z.number().int().min(0),
    timeoutMs: z.number().int().min(1),
    memoryLimitMb: z.number().int().min(16),
    isolation: z.enum(ISOLATION_LEVELS),
  })
  .partial()
  .strict();
export type TaskSettingsInput = z.infer<typeof taskSettingsSchema>;

export const foreachSchema = z.union([
  z.object({ files: z.string().min(1) }).strict(),
  z.object({ values: z.array(z.union([z.string(), z.number()])).min(1) }).strict(),
]);

export const taskSchema = taskSettingsSchema.extend({
  id: z.string().regex(TASK_ID_PATTERN, 'must contain only letters, digits, ".", "_" and "-"'),
  name: z.string().min(1).optional(),
  processor: z.string().min(1),
  input: z.unknown().optional(),
  foreach: foreachSchema.optional(),
  blockedBy: z.array(z.string().min(1)).optional(),
}).strict();
export type TaskInput = z.infer<typeof taskSchema>;

/** The job file, exactly as users write it (YAML or JSON). */
export const jobFileSchema = z
  .object({
    name: z.string().min(1),
    concurrency: z.number().int().min(1).max(1024).optional(),
    onFailure: z.enum(ON_FAILURE_POLICIES).optional(),
    defaults: taskSettingsSchema.optional(),
    tasks: z.array(taskSchema).min(1),
  })
  .strict();
export type JobFile = z.infer<typeof jobFileSchema>;

/** Built-in values of every task setting (README: job-file reference). */
export const DEFAULT_TASK_SETTINGS: Required<TaskSettingsInput> = {
  retries: 2,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  timeoutMs: 600_000,
  memoryLimitMb: 2048,
  isolation: 'process',
};

/** A task after defaults are applied and foreach is expanded: what the coordinator runs. */
export interface PlannedTask {
  id: string;
  name: string;
  /** Absolute path of the processor module. */
  processor: string;
  input: unknown;
  /** Expanded ids (a foreach id is replaced by all of its expansions). */
  blockedBy: string[];
  /** The foreach task this one was expanded from, if any. */
  group?: string;
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  memoryLimitMb: number;
  isolation: IsolationLevel;
}

/** A validated, expanded job: stored with the run so that a resume does not depend on the job file. */
export interface JobPlan {
  name: string;
  /** Absolute path of the job file it was loaded from. */
  file: string;
  concurrency?: number;
  onFailure?: OnFailurePolicy;
  tasks: PlannedTask[];
}
