import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PLAN_HANDOFF_ENV, takeHandedOverPlan } from '../../electron/cli/launch.ts';
import { HEAP_FLAGS_FROM_TASKS, main, type Launch } from '../../electron/cli/main.ts';
import { loadJob } from '../../electron/engine/job/load-job.ts';
import type { JobPlan } from '../../shared/job-schema.ts';
import { RunStore } from '../../electron/engine/store/run-store.ts';
import { makePlan } from '../support/plans.ts';

// When the CLI asks bin/dproc.js for a relaunch with the heap flags (electron/cli/launch.ts): before a
// big run is recorded, for a big stored run once the store is closed, for a server always; never else.

let dir: string;
beforeEach(() => {
  // What the runs print is not what these tests look at.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  dir = mkdtempSync(join(tmpdir(), 'dproc-relaunch-'));
  writeFileSync(join(dir, 'noop.mjs'), 'export default () => null;\n');
  writeFileSync(join(dir, 'one.job.yaml'), 'name: one\ntasks:\n  - id: only\n    processor: ./noop.mjs\n    isolation: thread\n');
  const values = Array.from({ length: HEAP_FLAGS_FROM_TASKS }, (_, i) => i).join(', ');
  writeFileSync(join(dir, 'big.job.yaml'), `name: big\ntasks:\n  - id: r\n    processor: ./noop.mjs\n    foreach: { values: [${values}] }\n`);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** A Launch without the heap flags whose relaunch exits 42, how often it was asked, and with what environment. */
function fakeLaunch(): Launch & { calls: number; env?: Record<string, string> } {
  const launch: Launch & { calls: number; env?: Record<string, string> } = {
    missingHeapFlags: ['--max-semi-space-size=8'],
    calls: 0,
    relaunch: (env) => {
      launch.calls++;
      launch.env = env;
      return Promise.resolve(42);
    },
  };
  return launch;
}

describe('the CLI and the heap flags', () => {
  it('relaunches a big job before anything is stored, and returns the relaunched exit code', async () => {
    const launch = fakeLaunch();
    const data = join(dir, 'data');
    expect(await main(['run', join(dir, 'big.job.yaml'), '--json', '--data-dir', data], launch)).toBe(42);
    expect(launch.calls).toBe(1);
    expect(existsSync(data)).toBe(false);
  });

  it('hands the parsed plan over to the relaunched process, which takes it instead of parsing the job again', async () => {
    const job = join(dir, 'big.job.yaml');
    const launch = fakeLaunch();
    let handedOver: JobPlan | undefined;
    launch.relaunch = (env) => {
      launch.calls++;
      // What the relaunched process does first: this run, these overrides.
      process.env[PLAN_HANDOFF_ENV] = env?.[PLAN_HANDOFF_ENV];
      handedOver = takeHandedOverPlan(job, { concurrency: 3 });
      return Promise.resolve(42);
    };
    expect(await main(['run', job, '--concurrency', '3', '--data-dir', join(dir, 'data')], launch)).toBe(42);
    expect(handedOver?.tasks).toHaveLength(HEAP_FLAGS_FROM_TASKS);
    expect(handedOver).toEqual(await loadJob(job, { concurrency: 3 }));
    expect(process.env[PLAN_HANDOFF_ENV]).toBeUndefined();
  });

  it('takes no plan handed over for another command, and removes the file either way', async () => {
    const job = join(dir, 'big.job.yaml');
    const launch = fakeLaunch();
    await main(['run', job, '--data-dir', join(dir, 'data')], launch);
    // The relaunch never read it: removed once it returned.
    const file = launch.env![PLAN_HANDOFF_ENV];
    expect(existsSync(file)).toBe(false);
    for (const [otherJob, overrides] of [[join(dir, 'one.job.yaml'), {}], [job, { onFailure: 'skip' as const }]] as const) {
      const again = fakeLaunch();
      again.relaunch = (env) => {
        process.env[PLAN_HANDOFF_ENV] = env?.[PLAN_HANDOFF_ENV];
        expect(takeHandedOverPlan(otherJob, overrides)).toBeUndefined();
        expect(existsSync(env![PLAN_HANDOFF_ENV])).toBe(false);
        return Promise.resolve(0);
      };
      await main(['run', job, '--data-dir', join(dir, 'data')], again);
    }
  });

  it('runs a small job here', async () => {
    const launch = fakeLaunch();
    expect(await main(['run', join(dir, 'one.job.yaml'), '--json', '--data-dir', join(dir, 'data')], launch)).toBe(0);
    expect(launch.calls).toBe(0);
  });

  it('reports an invalid job without relaunching (exit 3)', async () => {
    const launch = fakeLaunch();
    writeFileSync(join(dir, 'bad.job.yaml'), 'name: bad\ntasks: []\n');
    expect(await main(['run', join(dir, 'bad.job.yaml'), '--data-dir', join(dir, 'data')], launch)).toBe(3);
    expect(launch.calls).toBe(0);
  });

  it('relaunches resume, retry and skip of a big stored run, with the store closed first', async () => {
    const data = join(dir, 'data');
    const store = RunStore.open(data);
    const plan = makePlan(Array.from({ length: HEAP_FLAGS_FROM_TASKS }, (_, i) => ({ id: `r${i}` })));
    store.createRun({ type: 'run.created', at: Date.now(), runId: 'big-run', plan, options: { concurrency: 2, onFailure: 'fail' } });
    store.close();
    const launch = fakeLaunch();
    let storeOpenDuringRelaunch = false;
    launch.relaunch = () => {
      launch.calls++;
      // The relaunched process must be able to take the run: this process holds nothing of the store.
      const again = RunStore.open(data);
      storeOpenDuringRelaunch = again.hasRun('big-run');
      again.close();
      return Promise.resolve(42);
    };
    expect(await main(['resume', 'big-run', '--data-dir', data], launch)).toBe(42);
    expect(await main(['retry', 'big-run', 'r1', '--data-dir', data], launch)).toBe(42);
    expect(await main(['skip', 'big-run', 'r1', '--data-dir', data], launch)).toBe(42);
    expect(launch.calls).toBe(3);
    expect(storeOpenDuringRelaunch).toBe(true);
    // Unknown runs are reported here, not relaunched.
    expect(await main(['resume', 'no-such-run', '--data-dir', data], launch)).toBe(1);
    expect(launch.calls).toBe(3);
  });

  it('relaunches a server, which may drive any number of big runs; never with the flags already there', async () => {
    const launch = fakeLaunch();
    expect(await main(['serve', '--port', '0', '--no-open', '--data-dir', join(dir, 'data')], launch)).toBe(42);
    expect(launch.calls).toBe(1);
    const withFlags = { ...fakeLaunch(), missingHeapFlags: [] };
    expect(await main(['run', join(dir, 'big.job.yaml'), '--json', '--data-dir', join(dir, 'data2')], withFlags)).toBe(0);
    expect(withFlags.calls).toBe(0);
  }, 60_000);
});
