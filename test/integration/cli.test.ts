import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli, waitForOutput } from '../support/cli.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'dproc-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const SLOW = 'test/fixtures/cli/slow-regions.job.yaml';
const FLAKY = 'examples/flaky/flaky.job.yaml';
const completedBefore = (out: string) => [...out.matchAll(/\[(region-\d)\] \S+: IN_PROGRESS -> COMPLETE/g)].map((m) => m[1]);

describe('dproc run', () => {
  it('prints COORDINATING, a line per transition, the state paths and the aggregated results; exit 0', async () => {
    const r = await runCli(['run', SLOW, '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Distributed Processing: COORDINATING');
    expect(r.stdout).toContain('[region-3] region-3: QUEUED -> IN_PROGRESS');
    expect(r.stdout).toContain('[total] total: BLOCKED -> QUEUED -> IN_PROGRESS -> COMPLETE');
    expect(r.stdout).toContain('=== AGGREGATED RESULTS ===');
    expect(r.stdout).toContain('Region 4: 40 records, value 4');
    expect(r.stdout).toMatch(/Total: 210 records/);
  });

  it('--json prints one document with tasks, attempts, result and missing; a failed run exits 1', async () => {
    const r = await runCli(['run', FLAKY, '--data-dir', dataDir, '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ job: 'flaky', state: 'FAILED', result: null });
    const byId = Object.fromEntries(doc.tasks.map((t: { id: string }) => [t.id, t]));
    expect(byId['region-flaky'].attempts.map((a: { state: string }) => a.state)).toEqual(['FAILED', 'FAILED', 'COMPLETE']);
    expect(byId['region-hang'].attempts[0].error.code).toBe('DPROC_E_TIMEOUT');
    expect(byId['region-broken'].attempts[2].error.message).toContain('malformed record');
    expect(byId.aggregate.state).toBe('UPSTREAM_FAILED');
    expect(doc.missing).toEqual(expect.arrayContaining(['region-hang', 'region-broken', 'aggregate']));
  });

  it('--on-failure skip runs the aggregate on partial input and exits 2 (PARTIAL)', async () => {
    const r = await runCli(['run', FLAKY, '--data-dir', dataDir, '--json', '--on-failure', 'skip']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.state).toBe('PARTIAL');
    expect(doc.result.missing.sort()).toEqual(['region-broken', 'region-hang', 'region-needs-a-hand']);
    expect(doc.missing.sort()).toEqual(['region-broken', 'region-hang', 'region-needs-a-hand']);
  });

  it('a reader that goes away (| head) does not stop the run: it finishes, is recorded, and its exit code says how', async () => {
    const { child, done } = startCli(['run', SLOW, '--data-dir', dataDir, '--plain']);
    // Close our end of stdout after the first chunk, as `head -1` does: later writes get EPIPE.
    child.stdout!.once('data', () => child.stdout!.destroy());
    const r = await done;
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.code).toBe(0);
    const runs = JSON.parse((await runCli(['runs', '--json', '--data-dir', dataDir])).stdout) as { state: string }[];
    expect(runs.map((x) => x.state)).toEqual(['COMPLETE']);
  });

  it('an invalid job file exits 3, names the file, and stores nothing', async () => {
    const r = await runCli(['run', 'test/fixtures/jobs/bad-cycle.yaml', '--data-dir', dataDir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('bad-cycle.yaml');
    expect(r.stderr).toContain('DPROC_E_CYCLE');
    expect((await runCli(['runs', '--json', '--data-dir', dataDir])).stdout.trim()).toBe('[]');
  });

  it('usage errors exit 3', async () => {
    expect((await runCli(['run'])).code).toBe(3);
    expect((await runCli(['run', SLOW, '--concurrency', '0', '--data-dir', dataDir])).code).toBe(3);
    expect((await runCli(['frobnicate'])).code).toBe(3);
  });
});

describe('durable runs', () => {
  it('after SIGKILL the run is INTERRUPTED; resume finishes it without re-running completed regions, same result', async () => {
    const marks = join(dataDir, 'marks.txt');
    const reference = JSON.parse((await runCli(['run', SLOW, '--json', '--data-dir', join(dataDir, 'ref')])).stdout);

    const { child, output, done } = startCli(['run', SLOW, '--data-dir', dataDir], { DPROC_TEST_MARKS: marks });
    await waitForOutput(child, output, (out) => completedBefore(out).length >= 2);
    child.kill('SIGKILL');
    await done;
    const completed = completedBefore(output());
    const runId = /Run (\S+) ·/.exec(output())![1];

    const runs = JSON.parse((await runCli(['runs', '--json', '--data-dir', dataDir])).stdout);
    expect(runs[0]).toMatchObject({ runId, state: 'INTERRUPTED' });

    const resumed = await runCli(['resume', runId, '--json', '--data-dir', dataDir], { DPROC_TEST_MARKS: marks });
    expect(resumed.code).toBe(0);
    const doc = JSON.parse(resumed.stdout);
    expect(doc.state).toBe('COMPLETE');
    expect(doc.result).toEqual(reference.result);
    const executions = readFileSync(marks, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]);
    for (const id of completed) expect(executions.filter((e) => e === id)).toHaveLength(1);
    expect(new Set(executions)).toEqual(new Set(['region-1', 'region-2', 'region-3', 'region-4', 'region-5', 'region-6']));
  });

  it('SIGINT cancels the run, exits 130, and the run resumes to COMPLETE', async () => {
    const { child, output, done } = startCli(['run', SLOW, '--data-dir', dataDir]);
    await waitForOutput(child, output, (out) => completedBefore(out).length >= 1);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    const runId = /Run (\S+) ·/.exec(r.stdout)![1];
    expect(r.stdout).toContain(`Run ${runId}: CANCELLED`);
    const show = JSON.parse((await runCli(['show', runId, '--json', '--data-dir', dataDir])).stdout);
    expect(show.state).toBe('CANCELLED');
    const resumed = await runCli(['resume', runId, '--json', '--data-dir', dataDir]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).result.records).toBe(210);
  });

  it('retry and skip continue a finished run to its end', async () => {
    const first = JSON.parse((await runCli(['run', FLAKY, '--json', '--data-dir', dataDir])).stdout);
    const skipped = await runCli(['skip', first.runId, 'region-hang', 'region-broken', 'region-needs-a-hand', '--json', '--data-dir', dataDir]);
    expect(skipped.code).toBe(2);
    const doc = JSON.parse(skipped.stdout);
    expect(doc.state).toBe('PARTIAL');
    expect(doc.tasks.find((t: { id: string }) => t.id === 'region-steady-one').attempts).toHaveLength(1);
    // region-needs-a-hand succeeds on its 4th attempt: a manual retry completes it and re-runs the aggregate.
    const fixed = JSON.parse((await runCli(['retry', first.runId, 'region-needs-a-hand', '--json', '--data-dir', dataDir])).stdout);
    expect(fixed.state).toBe('PARTIAL');
    expect(fixed.result.missing.sort()).toEqual(['region-broken', 'region-hang']);
    // region-broken always fails: a retry gives it a fresh budget of 3 attempts, it fails again, and under the
    // run's `fail` policy the aggregate (reset by the retry) is UPSTREAM_FAILED again.
    const retried = await runCli(['retry', first.runId, 'region-broken', '--json', '--data-dir', dataDir]);
    expect(retried.code).toBe(1);
    const after = JSON.parse(retried.stdout);
    const task = (id: string) => after.tasks.find((t: { id: string }) => t.id === id);
    expect(after.state).toBe('FAILED');
    expect(task('region-broken').attempts).toHaveLength(6);
    expect(task('region-needs-a-hand').state).toBe('COMPLETE');
    expect(task('region-hang').state).toBe('SKIPPED');
    expect(task('aggregate').state).toBe('UPSTREAM_FAILED');
  });
});
