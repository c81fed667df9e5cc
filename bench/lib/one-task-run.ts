import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from './plans.ts';
import { ROOT } from './real-work-runs.ts';
import { expectSuccess, spawnTimed } from './spawn-timed.ts';

/** A job of one task whose processor returns `{ records: 1, … }` at once (bench/fixtures/one-task.mjs). */
export function writeOneTaskJob(dir: string): string {
  const file = join(dir, 'one.yaml');
  writeFileSync(file, `name: one-task\ntasks:\n  - id: only\n    processor: ${JSON.stringify(fixture('one-task.mjs'))}\n`);
  return file;
}

/**
 * `<node> bin/dproc.js run one.yaml --json --data-dir DIR` from the repository root, as a user types it,
 * timed spawn → exit (ms). Throws unless the run is COMPLETE with the processor's output as its result.
 */
export async function oneTaskRun(node: string, jobFile: string, dataDir: string): Promise<number> {
  const exit = await spawnTimed(node, ['bin/dproc.js', 'run', jobFile, '--json', '--data-dir', dataDir], { cwd: ROOT, timeoutMs: 60_000 });
  expectSuccess(exit, `${node} bin/dproc.js run`);
  const doc = JSON.parse(exit.stdout) as { state: string; result: { records?: number } | null };
  if (doc.state !== 'COMPLETE' || doc.result?.records !== 1) throw new Error(`one-task run ended ${doc.state} with result ${JSON.stringify(doc.result)}`);
  return exit.wallMs;
}
