import type { Engine, PreparedRun } from '../../engine/engine.ts';
import { followRun } from '../follow-run.ts';

/** `dproc run JOB`: records a run of the prepared job and runs it to its end. */
export async function runCommand(engine: Engine, job: PreparedRun, opts: { json?: boolean; plain?: boolean }): Promise<number> {
  const coordinator = await engine.start(job);
  if (!opts.json) {
    const s = coordinator.snapshot;
    process.stdout.write('Distributed Processing: COORDINATING\n');
    process.stdout.write(
      `Run ${s.runId} · ${s.jobName} · ${s.order.length} tasks · concurrency ${s.options.concurrency} · onFailure ${s.options.onFailure} · data ${engine.dataDir}\n`,
    );
  }
  return followRun(engine, coordinator, opts);
}
