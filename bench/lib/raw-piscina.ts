import { Piscina } from 'piscina';
import { fixture } from './plans.ts';

/** How the raw baseline feeds piscina. */
export interface RawOptions {
  threads: number;
  /**
   * Tasks submitted at a time. Undefined: all at once (piscina's best case: its queue is never empty, so
   * a thread picks the next task without sleeping). A number: a closed loop with that many in flight,
   * which is how the coordinator dispatches (`concurrency` attempts, the next only after one ends).
   */
  inFlight?: number;
}

/** Wall time and this process's CPU time (all threads) of one raw run. */
export interface RawRun {
  wallMs: number;
  cpuMs: number;
}

/**
 * Runs bench/fixtures/piscina-noop.mjs `tasks` times on a fresh piscina pool, timed from creating the
 * pool to the last result, so thread start-up is counted as it is in an engine run.
 */
export async function rawPiscina(tasks: number, options: RawOptions): Promise<RawRun> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const pool = new Piscina({ filename: fixture('piscina-noop.mjs'), minThreads: options.threads, maxThreads: options.threads });
  // Without a listener an 'error' event would crash the bench (environment.md).
  pool.on('error', () => {});
  try {
    if (options.inFlight === undefined) {
      const all: Promise<unknown>[] = new Array(tasks);
      for (let i = 0; i < tasks; i++) all[i] = pool.run(null);
      await Promise.all(all);
    } else {
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < tasks) {
          next++;
          await pool.run(null);
        }
      };
      await Promise.all(Array.from({ length: options.inFlight }, lane));
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await pool.destroy();
  }
}
