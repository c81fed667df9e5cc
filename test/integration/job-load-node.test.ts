import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOADER = pathToFileURL(resolve('electron/engine/job/index.ts')).href;
const JOB = resolve('test/fixtures/jobs/good-foreach.yaml');

/** Runs an ES module snippet in a fresh Node process (the runtime the CLI uses, no vitest transform). */
function runNode(code: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
}

describe('the job loader under plain Node', () => {
  it('runs by type stripping alone and expands a foreach glob without printing any warning', () => {
    const { status, stdout, stderr } = runNode(`
      import { loadJob, loadJobSync } from ${JSON.stringify(LOADER)};
      const sync = loadJobSync(${JSON.stringify(JOB)});
      const async = await loadJob(${JSON.stringify(JOB)});
      console.log(JSON.stringify({ sync: sync.tasks.map((t) => t.id), same: JSON.stringify(sync) === JSON.stringify(async) }));
    `);
    // fs.glob/globSync printed an ExperimentalWarning before Node 22.17; a warning here would reach every CLI user.
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      sync: ['region-east', 'region-west', 'lang-eu', 'lang-us', 'lang-3', 'aggregate'],
      same: true,
    });
  });

  it('prints a formatted error for a bad job file, one problem per line', () => {
    const bad = resolve('test/fixtures/jobs/bad-several.yaml');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      import { loadJobSync, formatJobError } from ${JSON.stringify(LOADER)};
      try { loadJobSync(${JSON.stringify(bad)}); } catch (err) { console.log(formatJobError(err)); }
    `], { encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .* \\[DPROC_E_JOB_SCHEMA\\]$`));
  });
});
