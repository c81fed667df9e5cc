import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator, type CoordinatorStore } from '../../electron/engine/coordinator/coordinator.ts';
import type { ExecutorFactory } from '../../electron/engine/executors/executor.ts';
import { ExecutorSet } from '../../electron/engine/executors/executor-set.ts';
import { RunStore } from '../../electron/engine/store/run-store.ts';
import type { JobPlan } from '../../shared/job-schema.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { TimedExecutors, type AttemptStats } from './executors.ts';
import { CountingStore, NullJournalStore, type AppendStats } from './stores.ts';

/** How a bench job is run. */
export interface RunJobOptions {
  concurrency: number;
  /** `sqlite`: a real RunStore in a fresh temp data dir (default); `memory`: NullJournalStore. */
  journal?: 'sqlite' | 'memory';
  /** Executors for the run (default: the engine's createExecutor). */
  executorFactory?: ExecutorFactory;
  /** Use (and keep) this data dir instead of a temp one that is deleted afterwards. */
  dataDir?: string;
  /** Called as soon as Coordinator.start returns (the memory probe takes a reading there). */
  onStarted?: () => void;
  /** Called once the run settled, before the coordinator and the workers are closed. */
  onSettled?: () => void;
}

/** What one run of a job measured. */
export interface JobRun {
  /** Coordinator.start → whenSettled resolved, in ms. */
  wallMs: number;
  tasks: number;
  runId: string;
  snapshot: RunSnapshot;
  /** Commits the coordinator made, and their cost. */
  appends: AppendStats;
  /** Attempt round trips through the executor. */
  attempts: AttemptStats;
  /** Share of the wall time the coordinator's event loop was busy (0..1): near 1 means it is the bottleneck. */
  elu: number;
  /**
   * CPU time of this process over the run, all threads (coordinator and worker threads, not child
   * processes). Unlike wall time it barely moves when other processes share the cores.
   */
  cpuMs: number;
  /** CPU time of child processes that exited during the run (isolation `process`); NaN off Linux. */
  childCpuMs: number;
}

/**
 * CPU time (ms) of this process's exited, reaped children, from /proc/self/stat (cutime + cstime, in
 * clock ticks of 10 ms): Node has no API for it, and `process` isolation spends its time there.
 */
export function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may contain spaces), starting at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs a plan to the end as the Engine does (store, ExecutorSet, Coordinator.start, whenSettled) and
 * times it. Throws if the run does not complete: a bench figure from a failed run would be meaningless.
 */
export async function runJob(plan: JobPlan, options: RunJobOptions): Promise<JobRun> {
  const dataDir = options.dataDir ?? (options.journal === 'memory' ? undefined : mkdtempSync(join(tmpdir(), 'dproc-bench-')));
  const real = dataDir ? RunStore.open(dataDir) : undefined;
  const store = new CountingStore(real ?? (new NullJournalStore() as CoordinatorStore));
  const executorSet = new ExecutorSet(options.concurrency, options.executorFactory);
  const executors = new TimedExecutors(executorSet);
  let coordinator: Coordinator | undefined;
  try {
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const children0 = childrenCpuMs();
    const t0 = performance.now();
    coordinator = Coordinator.start(plan, { concurrency: options.concurrency, onFailure: 'fail' }, { store, executors });
    options.onStarted?.();
    const snapshot = await coordinator.whenSettled();
    const wallMs = performance.now() - t0;
    const elu = performance.eventLoopUtilization(elu0).utilization;
    const cpu = process.cpuUsage(cpu0);
    options.onSettled?.();
    if (snapshot.state !== 'COMPLETE') {
      const failed = snapshot.order.find((id) => snapshot.tasks[id].state === 'FAILED');
      const why = failed ? `: task ${failed}: ${snapshot.tasks[failed].lastError?.message}` : '';
      throw new Error(`bench run ended ${snapshot.state}, not COMPLETE${why}`);
    }
    return {
      wallMs,
      tasks: plan.tasks.length,
      runId: coordinator.runId,
      snapshot,
      appends: store.stats,
      attempts: executors.stats,
      elu,
      cpuMs: (cpu.user + cpu.system) / 1000,
      // Children are reaped a moment after their attempt ends; the last one or two may be missing.
      childCpuMs: childrenCpuMs() - children0,
    };
  } finally {
    // Executors close by waiting for unref'd threads and children to exit; if nothing else holds the
    // loop, Node quits mid-await and the bench dies silently (ProcessExecutor.close did, before the
    // executors got keepAliveWhile). Holding the loop here keeps the bench safe against that either way.
    const keepAlive = setInterval(() => {}, 1_000);
    try {
      await coordinator?.close();
      await executorSet.close();
    } finally {
      clearInterval(keepAlive);
      real?.close();
      if (dataDir && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
