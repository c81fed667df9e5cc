import type { Engine } from '../../engine/engine.ts';
import { followRun } from '../follow-run.ts';

/** `dproc resume`, `dproc retry` and `dproc skip`: apply the controls, then continue the run to its end. */
export async function continueCommand(
  engine: Engine,
  runId: string,
  controls: { retry?: string[]; skip?: string[] },
  opts: { json?: boolean; plain?: boolean },
): Promise<number> {
  const coordinator = engine.resume(runId, controls);
  if (!opts.json) {
    const what = controls.retry ? `retrying ${controls.retry.join(', ')}` : controls.skip ? `skipping ${controls.skip.join(', ')}` : 'resuming';
    process.stdout.write(`Distributed Processing: COORDINATING\nRun ${runId} · ${coordinator.snapshot.jobName} · ${what}\n`);
  }
  return followRun(engine, coordinator, opts);
}
