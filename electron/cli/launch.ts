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
   * Runs this command again in a process that has the flags: replaces this process where the platform
   * can (execve, same pid; never returns), else runs a child and resolves with its exit code. Call it
   * before anything is stored or printed.
   */
  relaunch(): Promise<number>;
}

/**
 * A run of this many tasks or more is driven with the heap flags. Measured here (peak RSS of a fan-in run,
 * pooled, with the flags / without): 1,000 tasks 177 / 180 MB, 5,000: 192 / 229 MB, 10,000: 206 / 262 MB,
 * 20,000: 249 / 356 MB, 100,000: 463 / 781 MB. A relaunch costs ~40 ms, under 10% of a 2,000-task run.
 */
export const HEAP_FLAGS_FROM_TASKS = 2_000;

/** True when a command about to drive `tasks` tasks should relaunch itself with the heap flags. */
export function wantsHeapFlags(launch: Launch | undefined, tasks: number): launch is Launch {
  return launch !== undefined && launch.missingHeapFlags.length > 0 && tasks >= HEAP_FLAGS_FROM_TASKS;
}
