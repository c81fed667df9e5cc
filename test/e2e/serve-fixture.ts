import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A running `dproc serve`: its URL with the token, and where it keeps its runs. */
export interface Served {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  process: ChildProcess;
}

/** Starts `dproc serve` on a free port with a fresh data directory and resolves once it prints its URL. */
export async function startServe(extraArgs: string[] = []): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dproc-e2e-'));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'electron/cli/main.ts'), 'serve', '--port', '0', '--no-open', '--data-dir', dataDir, '--workspace', join(ROOT, 'examples'), ...extraArgs],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stderr!.on('data', (d) => process.stderr.write(d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/\S+\?token=[0-9a-f]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`dproc serve exited (${code}) before printing its URL:\n${out}`)));
  });
  const u = new URL(url);
  return { url, origin: u.origin, token: u.searchParams.get('token')!, dataDir, process: child };
}

/** Stops the server and removes its data directory. */
export async function stopServe(s: Served): Promise<void> {
  if (s.process.exitCode === null) {
    const exited = new Promise((r) => s.process.once('exit', r));
    s.process.kill('SIGTERM');
    await exited;
  }
  rmSync(s.dataDir, { recursive: true, force: true });
}

/** Playwright test with a `served` fixture: one server per test file (worker), torn down at the end. */
export const test = base.extend<object, { served: Served }>({
  served: [
    async ({}, use) => {
      const s = await startServe();
      await use(s);
      await stopServe(s);
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
