import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// bin/dproc.js: the CLI runs the engine with the V8 heap flags of bin/node-flags.json, however it is started.

const bin = fileURLToPath(new URL('../../bin/dproc.js', import.meta.url));
const flags = JSON.parse(readFileSync(new URL('../../bin/node-flags.json', import.meta.url), 'utf8')) as string[];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dproc-launcher-'));
  // A worker thread inherits its process's execArgv: the processor reports what the engine runs with.
  writeFileSync(join(dir, 'probe.mjs'), 'export default () => process.execArgv;\n');
  writeFileSync(join(dir, 'probe.job.yaml'), 'name: probe\ntasks:\n  - id: probe\n    processor: ./probe.mjs\n');
  // Runs until its attempt is aborted.
  writeFileSync(join(dir, 'wait.mjs'), "export default (input, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('stopped')));\n");
  writeFileSync(join(dir, 'wait.job.yaml'), 'name: wait\ntasks:\n  - id: wait\n    processor: ./wait.mjs\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The execArgv the engine ran with, from `dproc run --json` started as `node bin/dproc.js`. */
function engineExecArgv(env: NodeJS.ProcessEnv = {}): string[] {
  const run = spawnSync(process.execPath, [bin, 'run', join(dir, 'probe.job.yaml'), '--json', '--data-dir', join(dir, 'data')], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  expect(run.status, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { result: string[] }).result;
}

describe('the dproc launcher', () => {
  it('repeats the flags in its shebang, so `npx dproc` needs no second process', () => {
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags.join(' ')}`);
  });

  it('runs the engine with the V8 heap flags when started without them', () => {
    const argv = engineExecArgv();
    for (const flag of flags) expect(argv).toContain(flag);
  });

  it('forwards SIGINT to the CLI it re-ran when no terminal sent it there: the run is cancelled, exit 130', async () => {
    const child = spawn(process.execPath, [bin, 'run', join(dir, 'wait.job.yaml'), '--plain', '--data-dir', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const started = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('-> IN_PROGRESS')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await started;
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/Run \S+: CANCELLED/);
  });

  it('stops the CLI it re-ran when it is killed itself (SIGKILL): the run is cancelled, not left running', async () => {
    const child = spawn(process.execPath, [bin, 'run', join(dir, 'wait.job.yaml'), '--plain', '--data-dir', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    // The CLI writes to the same pipe; the stream ends once both processes are gone.
    const ended = new Promise<void>((resolve) => child.stdout.on('end', resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('-> IN_PROGRESS')) resolve();
      }),
    );
    child.kill('SIGKILL');
    await ended;
    expect(stdout).toMatch(/Run \S+: CANCELLED/);
  });

  it("leaves a heap limit set in NODE_OPTIONS to the user", () => {
    const argv = engineExecArgv({ NODE_OPTIONS: '--max-old-space-size=3000' });
    expect(argv.some((a) => a.startsWith('--max-old-space-size'))).toBe(false);
    expect(argv).toContain(flags.find((f) => f.startsWith('--max-semi-space-size')));
  });
});
