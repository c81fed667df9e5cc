import type { WorkerEntries } from '../../electron/engine/worker/entries.ts';

/** What every suite gets from bench/run.ts. */
export interface BenchContext {
  /** Repetitions of each short measurement (the median is reported). */
  reps: number;
  /** Multiplies task counts (1 = the brief's sizes; smaller for a quick look while developing). */
  scale: number;
  /** Worker entries bundled to .mjs, for the side-by-side rows; null when they could not be built. */
  bundled: WorkerEntries | null;
  /** Data dir and run id of the 100,000-task run (set by the memory suite, replayed by the journal suite). */
  bigRun?: { dataDir: string; runId: string; events: number };
}

/** `n` scaled by the context, never below `min`. */
export function scaled(ctx: BenchContext, n: number, min = 1): number {
  return Math.max(min, Math.round(n * ctx.scale));
}
