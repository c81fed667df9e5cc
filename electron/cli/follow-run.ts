import type { Coordinator } from '../engine/coordinator/coordinator.ts';
import type { Engine } from '../engine/engine.ts';
import { EXIT_CODES } from '../../shared/states.ts';
import { sinkTasks } from '../../shared/run-report.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { writeJson, writeLines } from './output/chunked-write.ts';
import { LiveView } from './output/live-view.ts';
import { runSummaryBlock } from './output/summary.ts';
import { TransitionPrinter } from './output/transition-printer.ts';

export interface FollowOptions {
  json?: boolean;
  /** Force plain transition lines even on a terminal (tests, logs). */
  plain?: boolean;
}

/** Exit code for the state a run ended in (README: exit codes). */
export function exitCodeFor(snapshot: RunSnapshot, interrupted: boolean): number {
  if (interrupted) return EXIT_CODES.SIGNAL;
  switch (snapshot.state) {
    case 'COMPLETE':
      return EXIT_CODES.COMPLETE;
    case 'PARTIAL':
      return EXIT_CODES.PARTIAL;
    default:
      return EXIT_CODES.FAILED;
  }
}

/**
 * Shows a run this process drives until it settles (live view on a terminal, a line per transition otherwise),
 * cancels it on SIGINT/SIGTERM, prints the summary (or the JSON report), releases it and returns the exit code.
 */
export async function followRun(engine: Engine, coordinator: Coordinator, opts: FollowOptions): Promise<number> {
  const runId = coordinator.runId;
  let watched: Awaited<ReturnType<typeof watch>>;
  try {
    watched = await watch(engine, coordinator, opts);
  } catch (err) {
    await engine.release(runId);
    throw err;
  }
  const { snapshot, interrupted } = watched;
  // Released (journal committed, run given up) at once; its workers are reaped while the report is
  // built and printed, which each take ~30 ms on a small run.
  const released = engine.release(runId);
  try {
    // The views are gone by now: a big run's report is built without their copy of the run beside it.
    const report = engine.report(runId, snapshot);
    if (opts.json) {
      writeJson(report, (text) => process.stdout.write(text));
    } else {
      writeLines(runSummaryBlock(snapshot, report, sinkTasks(snapshot)), (text) => process.stdout.write(text));
    }
  } finally {
    await released;
  }
  return exitCodeFor(snapshot, interrupted);
}

/** Shows the run until it settles (or a signal cancels it); the caller releases it. */
async function watch(engine: Engine, coordinator: Coordinator, opts: FollowOptions): Promise<{ snapshot: RunSnapshot; interrupted: boolean }> {
  const runId = coordinator.runId;
  const tty = !opts.json && !opts.plain && process.stdout.isTTY === true;
  // The views fold committed batches into a snapshot of their own, read from the store (the coordinator's
  // may be ahead of what is committed). With --json there is no view: no second copy of a big run.
  const committed = opts.json ? undefined : engine.store.loadSnapshot(runId);
  const live = tty && committed ? new LiveView(committed, process.stdout) : undefined;
  const printer = !tty && committed ? new TransitionPrinter(committed, (l) => process.stdout.write(`${l}\n`)) : undefined;
  const unsubscribe = coordinator.subscribe((b) => (live ? live.onBatch(b) : printer?.onBatch(b)));

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // A second signal: the user really wants out; the run stays resumable from its journal.
      process.stderr.write(`\ndproc: ${signal} again, exiting now\n`);
      process.exit(EXIT_CODES.SIGNAL);
    }
    interrupted = true;
    process.stderr.write(`\ndproc: ${signal}: cancelling run ${runId} (resume with: dproc resume ${runId})\n`);
    coordinator.cancelRun();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return { snapshot: await coordinator.whenSettled(), interrupted };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    live?.stop();
    unsubscribe();
  }
}
