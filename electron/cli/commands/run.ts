import type { Engine, RunOverrides } from '../../engine/engine.ts';
import { followRun } from '../follow-run.ts';

/** `dproc run JOB`: validates the job, records a run, runs it to its end. */
export async function runCommand(engine: Engine, job: string, overrides: RunOverrides, opts: { json?: boolean; plain?: boolean }): Promise<number> {
  const coordinator = await engine.start(job, overrides);
  if (!opts.json) {
    const s = coordinator.snapshot;
    process.stdout.write('Distributed Processing: COORDINATING\n');
    process.stdout.write(
      `Run ${s.runId} · ${s.jobName} · ${s.order.length} tasks · concurrency ${s.options.concurrency} · onFailure ${s.options.onFailure} · data ${engine.dataDir}\n`,
    );
  }
  return followRun(engine, coordinator, opts);
}
