import type { Coordinator } from '../engine/coordinator/coordinator.ts';
import type { Engine } from '../engine/engine.ts';
import { EXIT_CODES } from '../../shared/states.ts';
import { sinkTasks } from '../../shared/run-report.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
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
  const committed = engine.store.loadSnapshot(runId);
  const tty = !opts.json && !opts.plain && process.stdout.isTTY === true;
  const live = tty ? new LiveView(committed, process.stdout) : undefined;
  const printer = !opts.json && !tty ? new TransitionPrinter(committed, (l) => process.stdout.write(`${l}\n`)) : undefined;
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
  let snapshot: RunSnapshot;
  try {
    snapshot = await coordinator.whenSettled();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    live?.stop();
    unsubscribe();
    await engine.release(runId);
  }
  const report = engine.report(runId, snapshot);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${runSummaryBlock(snapshot, report, sinkTasks(snapshot)).join('\n')}\n`);
  }
  return exitCodeFor(snapshot, interrupted);
}
