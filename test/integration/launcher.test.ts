import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAP_FLAGS_FROM_TASKS } from '../../electron/cli/launch.ts';

// bin/dproc.js (README: How the CLI starts): the CLI runs in the process it was started in, unless that
// is too old a Node, or it lacks the V8 heap flags of bin/node-flags.json and is about to drive a big run.

const bin = fileURLToPath(new URL('../../bin/dproc.js', import.meta.url));
const flags = JSON.parse(readFileSync(new URL('../../bin/node-flags.json', import.meta.url), 'utf8')) as string[];

/** The machine's Node when it is older than the CLI needs (the Debian machines here have Node 20), else null. */
const oldNode = ((): string | null => {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue;
    const v = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim().split('.').map(Number);
    if (v[0] < 22 || (v[0] === 22 && v[1] < 18)) return candidate;
  }
  return null;
})();

interface Probe {
  execArgv: string[];
  pid: number;
  node: string;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dproc-launcher-'));
  // In a worker thread: process.execArgv and process.pid are the coordinator's.
  writeFileSync(join(dir, 'probe.mjs'), 'export default () => ({ execArgv: process.execArgv, pid: process.pid, node: process.version });\n');
  writeFileSync(join(dir, 'noop.mjs'), 'export default () => null;\n');
  writeFileSync(join(dir, 'probe.job.yaml'), 'name: probe\ntasks:\n  - id: probe\n    processor: ./probe.mjs\n    isolation: thread\n');
  // Just big enough to be driven with the heap flags: no-op regions, then the probe.
  const values = Array.from({ length: HEAP_FLAGS_FROM_TASKS - 1 }, (_, i) => i).join(', ');
  writeFileSync(
    join(dir, 'big.job.yaml'),
    `name: big\ndefaults: { isolation: pooled }\ntasks:\n  - id: r\n    processor: ./noop.mjs\n    foreach: { values: [${values}] }\n  - id: probe\n    processor: ./probe.mjs\n    isolation: thread\n    blockedBy: [r]\n`,
  );
  // Runs until its attempt is aborted.
  writeFileSync(join(dir, 'wait.mjs'), "export default (input, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('stopped')));\n");
  writeFileSync(join(dir, 'wait.job.yaml'), 'name: wait\ntasks:\n  - id: wait\n    processor: ./wait.mjs\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `node [nodeArgs] bin/dproc.js run JOB --json`: the probe's view of the engine, and the launcher's pid. */
function probeRun(job: string, { node = process.execPath, nodeArgs = [] as string[], env = {} as NodeJS.ProcessEnv } = {}): { probe: Probe; pid: number } {
  const run = spawnSync(node, [...nodeArgs, bin, 'run', join(dir, job), '--json', '--data-dir', join(dir, 'data')], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    // The big job's report is a few MB.
    maxBuffer: 256 * 1024 * 1024,
  });
  expect(run.status, run.stderr).toBe(0);
  const result = (JSON.parse(run.stdout) as { result: Probe | Record<string, Probe> }).result;
  return { probe: 'execArgv' in result ? (result as Probe) : (result as Record<string, Probe>).probe, pid: run.pid! };
}

describe('the dproc launcher', () => {
  it('repeats the flags in its shebang, so `npx dproc` starts with them', () => {
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags.join(' ')}`);
  });

  it('runs a small job in the process it was started in, without the heap flags and without a second process', () => {
    const { probe, pid } = probeRun('probe.job.yaml');
    expect(probe.pid).toBe(pid);
    for (const flag of flags) expect(probe.execArgv).not.toContain(flag);
  });

  it(`re-runs a job of ${HEAP_FLAGS_FROM_TASKS} tasks or more with the heap flags, in the same process where the platform allows (execve)`, () => {
    const { probe, pid } = probeRun('big.job.yaml');
    for (const flag of flags) expect(probe.execArgv).toContain(flag);
    if (process.platform !== 'win32') expect(probe.pid).toBe(pid);
  });

  it('leaves a heap flag set in NODE_OPTIONS or on the command line to the user', () => {
    const fromEnv = probeRun('big.job.yaml', { env: { NODE_OPTIONS: '--max-old-space-size=3000' } }).probe;
    expect(fromEnv.execArgv.some((a) => a.startsWith('--max-old-space-size'))).toBe(false);
    expect(fromEnv.execArgv).toContain(flags.find((f) => f.startsWith('--max-semi-space-size')));
    const fromArgs = probeRun('big.job.yaml', { nodeArgs: ['--max-semi-space-size=16'] }).probe;
    expect(fromArgs.execArgv.filter((a) => a.startsWith('--max-semi-space-size'))).toEqual(['--max-semi-space-size=16']);
    expect(fromArgs.execArgv).toContain(flags.find((f) => f.startsWith('--max-old-space-size')));
  });

  it('SIGINT cancels the run it drives in its own process: exit 130, CANCELLED', async () => {
    const { code, stdout } = await interrupt(process.execPath, 'SIGINT');
    expect(code).toBe(130);
    expect(stdout).toMatch(/Run \S+: CANCELLED/);
  });
});

describe.skipIf(!oldNode)(`the dproc launcher on an older Node (${oldNode ?? 'none here'})`, () => {
  it("re-runs the CLI on node_modules' Node with the heap flags", () => {
    const { probe, pid } = probeRun('probe.job.yaml', { node: oldNode! });
    expect(Number(probe.node.slice(1).split('.')[0])).toBeGreaterThanOrEqual(22);
    expect(probe.pid).not.toBe(pid);
    for (const flag of flags) expect(probe.execArgv).toContain(flag);
  });

  it('forwards SIGINT to the CLI it re-ran when no terminal sent it there: the run is cancelled, exit 130', async () => {
    const { code, stdout } = await interrupt(oldNode!, 'SIGINT');
    expect(code).toBe(130);
    expect(stdout).toMatch(/Run \S+: CANCELLED/);
  });

  it('stops the CLI it re-ran when it is killed itself (SIGKILL): the run is cancelled, not left running', async () => {
    const { stdout } = await interrupt(oldNode!, 'SIGKILL');
    expect(stdout).toMatch(/Run \S+: CANCELLED/);
  });
});

/**
 * Starts `node bin/dproc.js run wait.job.yaml --plain`, sends `signal` to that process once the attempt
 * runs, and resolves when its stdout ends (after every process writing to it is gone).
 */
function interrupt(node: string, signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(node, [bin, 'run', join(dir, 'wait.job.yaml'), '--plain', '--data-dir', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ended = new Promise<void>((resolve) => child.stdout.on('end', resolve));
  child.stdout.on('data', (d: Buffer) => {
    const before = stdout;
    stdout += d.toString();
    if (!before.includes('-> IN_PROGRESS') && stdout.includes('-> IN_PROGRESS')) child.kill(signal);
  });
  return Promise.all([exited, ended]).then(([code]) => ({ code, stdout }));
}
