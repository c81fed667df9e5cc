import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { JobPlan } from '../../shared/job-schema.ts';
import type { RunOverrides } from '../engine/engine.ts';

/**
 * What bin/dproc.js tells the CLI about the process it runs in. The engine is tuned for the V8 heap flags
 * of bin/node-flags.json (--max-semi-space-size=8 --max-old-space-size=2000): without them V8 sizes the
 * heap for this machine's RAM (64 MB semi-spaces, an old generation allowed to grow to 4x what is live),
 * which costs memory, and only a big run has enough live state for that to show. They cannot be set
 * once V8 has sized the heap (v8.setFlagsFromString then changes neither the heap limit nor how it
 * grows; measured: a 100,000-task run peaked at 653-657 MB with them set that way, 463-502 MB given on
 * the command line, 781 MB without). So the launcher runs a small command in the process it was started
 * in, and a command that will drive a big run asks for a relaunch with the flags.
 */
export interface Launch {
  /** Flags of bin/node-flags.json this process lacks (and whose name the user did not set); empty: none. */
  missingHeapFlags: readonly string[];
  /**
   * Runs this command again in a process that has the flags, with `env` added to its environment:
   * replaces this process where the platform can (execve, same pid; never returns), else runs a child
   * and resolves with its exit code. Call it before anything is stored or printed.
   */
  relaunch(env?: Record<string, string>): Promise<number>;
}

/**
 * A run of this many tasks or more is driven with the heap flags. Measured here (peak RSS of a fan-in run,
 * pooled, with the flags / without): 1,000 tasks 177 / 180 MB, 5,000: 192 / 229 MB, 10,000: 206 / 262 MB,
 * 20,000: 249 / 356 MB, 100,000: 463 / 781 MB. A relaunch costs a Node start and the CLI's load, the plan
 * handed over rather than parsed again: ~80 ms, ~8% of a 5,000-task run of no-op tasks (0.92 → 1.00 s).
 */
export const HEAP_FLAGS_FROM_TASKS = 5_000;

/** True when a command about to drive `tasks` tasks should relaunch itself with the heap flags. */
export function wantsHeapFlags(launch: Launch | undefined, tasks: number): launch is Launch {
  return launch !== undefined && launch.missingHeapFlags.length > 0 && tasks >= HEAP_FLAGS_FROM_TASKS;
}

/** The environment variable that names a handed-over plan file. */
export const PLAN_HANDOFF_ENV = 'DPROC_PLAN_HANDOFF';

/** What makes a handed-over plan this command's: the job file (and its state) and the overrides. */
function handoffKey(job: string, overrides: RunOverrides): string {
  const file = resolve(job);
  const s = statSync(file, { throwIfNoEntry: false });
  return JSON.stringify([file, s?.mtimeMs, s?.size, overrides.concurrency ?? null, overrides.onFailure ?? null]);
}

/**
 * Relaunches `dproc run JOB` with the heap flags, handing over the plan this process has parsed: the new
 * process finds it with takeHandedOverPlan (parsing a 100,000-task job again would take ~1.3 s, reading
 * it back ~0.15 s). The file is the new process's to remove; if it never read it, it is removed here.
 */
export async function relaunchWithPlan(launch: Launch, job: string, overrides: RunOverrides, plan: JobPlan): Promise<number> {
  const file = join(tmpdir(), `dproc-plan-${process.pid}-${randomBytes(6).toString('hex')}.bin`);
  writeFileSync(file, serialize({ key: handoffKey(job, overrides), plan }), { mode: 0o600 });
  try {
    return await launch.relaunch({ [PLAN_HANDOFF_ENV]: file });
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * The plan a relaunching process handed over for this very command (same job file, unchanged, same
 * overrides), else undefined. The file is removed either way, and the variable too (nothing inherits it).
 */
export function takeHandedOverPlan(job: string, overrides: RunOverrides): JobPlan | undefined {
  const file = process.env[PLAN_HANDOFF_ENV];
  if (!file) return undefined;
  delete process.env[PLAN_HANDOFF_ENV];
  try {
    const { key, plan } = deserialize(readFileSync(file)) as { key: string; plan: JobPlan };
    return key === handoffKey(job, overrides) ? plan : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(file, { force: true });
  }
}
