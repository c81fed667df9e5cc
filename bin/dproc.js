#!/usr/bin/env node
// Launcher for the dproc CLI. The engine needs Node >= 22.13 (node:sqlite, type stripping of .ts files);
// when started by an older Node (these machines ship Node 20), re-run the CLI with the Node 24 that
// `npm ci` installed into node_modules (the "node" dev dependency).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'electron', 'cli', 'main.ts');
const [major, minor] = process.versions.node.split('.').map(Number);

if (major > 22 || (major === 22 && minor >= 18)) {
  const { main } = await import(entry);
  process.exitCode = await main(process.argv.slice(2));
} else {
  const candidates = [join(root, 'node_modules', 'node', 'bin', 'node'), join(root, 'node_modules', '.bin', 'node')];
  const node = candidates.find((p) => existsSync(p));
  if (!node) {
    process.stderr.write(`dproc: needs Node >= 22.18 (this is ${process.version}); run "npm ci" to install Node 24 into node_modules\n`);
    process.exit(3);
  }
  const child = spawn(node, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  // The terminal sends SIGINT to both processes; the child handles it. Forward what only we receive.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  // A child killed by a signal exits like a shell reports it: 128 + the signal's number.
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
}
