#!/usr/bin/env -S node --max-semi-space-size=8 --max-old-space-size=2000
// Launcher for the dproc CLI. It makes sure the engine runs on a Node that can run it, with the V8 heap
// settings it is tuned for, and otherwise re-runs the CLI in a child process that has both:
// - Node >= 22.18 (node:sqlite, type stripping of .ts files). These machines ship Node 20, so `npm ci`
//   installs Node 24 into node_modules (the "node" dev dependency) and the child uses it.
// - The flags in node-flags.json (the shebang above repeats them, so `npx dproc` gets them without a
//   second process). On a machine with lots of RAM, V8 otherwise sizes a heap for 4 GB: semi-spaces of
//   64 MB and an old generation that grows to 4x what is live before it is collected. A 100,000-task run
//   then peaked at 780 MB of RSS; with these flags, under 500 MB, at the same speed. A max-old-space-size
//   set in NODE_OPTIONS is respected (e.g. NODE_OPTIONS=--max-old-space-size=8000 for a huge job).
//
// It also turns on Node's on-disk compile cache for the CLI (unless NODE_DISABLE_COMPILE_CACHE is set):
// the engine runs from TypeScript, and from the cache the CLI starts without loading the type stripper
// at all (~30 MB less RSS, and a faster start).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'electron', 'cli', 'main.ts');
const [major, minor] = process.versions.node.split('.').map(Number);
const modern = major > 22 || (major === 22 && minor >= 18);
const userOptions = process.env.NODE_OPTIONS ?? '';
const flags = JSON.parse(readFileSync(join(root, 'bin', 'node-flags.json'), 'utf8')).filter(
  (flag) => !userOptions.includes(flag.split('=')[0]),
);

if (modern && flags.every((flag) => process.execArgv.includes(flag))) {
  nodeModule.enableCompileCache?.();
  const { main } = await import(entry);
  process.exitCode = await main(process.argv.slice(2));
} else {
  const candidates = modern ? [process.execPath] : [join(root, 'node_modules', 'node', 'bin', 'node'), join(root, 'node_modules', '.bin', 'node')];
  const node = candidates.find((p) => existsSync(p));
  if (!node) {
    process.stderr.write(`dproc: needs Node >= 22.18 (this is ${process.version}); run "npm ci" to install Node 24 into node_modules\n`);
    process.exit(3);
  }
  const env = process.env.NODE_DISABLE_COMPILE_CACHE || process.env.NODE_COMPILE_CACHE ? process.env : { ...process.env, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
  // The IPC channel is a lifeline: if this process dies, even by SIGKILL, the CLI sees it close and stops.
  const child = spawn(node, [...flags, entry, ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env });
  // Ctrl-C in a terminal reaches both processes (one process group), and a second SIGINT makes the CLI
  // exit at once instead of cancelling cleanly: forward SIGINT only when no terminal sent it to the child.
  const fromTerminal = process.stdin.isTTY || process.stdout.isTTY || process.stderr.isTTY;
  process.on('SIGINT', () => {
    if (!fromTerminal) child.kill('SIGINT');
  });
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  // A child killed by a signal exits like a shell reports it: 128 + the signal's number.
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
}
