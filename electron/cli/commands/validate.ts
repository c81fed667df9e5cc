import { loadJob } from '../../engine/job/load-job.ts';
import type { RunOverrides } from '../../engine/engine.ts';
import { writeJson } from '../output/chunked-write.ts';

/** `dproc validate JOB`: checks a job file without running or storing anything. */
export async function validateCommand(job: string, overrides: RunOverrides, opts: { json?: boolean }): Promise<number> {
  const plan = await loadJob(job, overrides);
  if (opts.json) {
    writeJson(plan, (text) => process.stdout.write(text));
    return 0;
  }
  const groups = new Map<string, number>();
  for (const t of plan.tasks) if (t.group) groups.set(t.group, (groups.get(t.group) ?? 0) + 1);
  process.stdout.write(`${plan.file}: OK: job "${plan.name}", ${plan.tasks.length} tasks\n`);
  for (const t of plan.tasks) {
    if (t.group && groups.get(t.group)! > 8 && plan.tasks.filter((x) => x.group === t.group).indexOf(t) >= 3) continue;
    const blocked = t.blockedBy.length === 0 ? '' : ` (blocked by ${t.blockedBy.length > 4 ? `${t.blockedBy.length} tasks` : t.blockedBy.join(', ')})`;
    process.stdout.write(`  [${t.id}] ${t.name}: ${t.isolation}, ${t.retries} retries, timeout ${t.timeoutMs} ms${blocked}\n`);
  }
  for (const [g, n] of groups) if (n > 8) process.stdout.write(`  … ${n - 3} more tasks from foreach "${g}"\n`);
  return 0;
}
