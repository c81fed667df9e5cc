import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEAP_FLAGS_FROM_TASKS, main, type Launch } from '../../electron/cli/main.ts';
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

/** A Launch without the heap flags whose relaunch exits 42, and how often it was asked. */
function fakeLaunch(): Launch & { calls: number } {
  const launch = {
    missingHeapFlags: ['--max-semi-space-size=8'],
    calls: 0,
    relaunch: () => {
      launch.calls++;
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
