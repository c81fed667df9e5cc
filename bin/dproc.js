#!/usr/bin/env -S node --max-semi-space-size=8 --max-old-space-size=2000
// Launcher for the dproc CLI. It runs the CLI on a Node that can run it, as cheaply as it can:
// - Node >= 22.18 (node:sqlite, type stripping): the CLI runs in this process, from the bundle in out/cli/
//   (bin/build-cli.ts, built by `npm ci`) when that is up to date with the sources, else from the
//   TypeScript sources; either way from Node's on-disk compile cache (unless NODE_DISABLE_COMPILE_CACHE).
// - An older Node (these machines ship Node 20): `npm ci` installs Node 24 into node_modules (the "node"
//   dev dependency) and this launcher re-runs itself there, in a child process that has the heap flags.
//   The child stops (cancelling its run, resumable) if this process dies, even by SIGKILL.
// The V8 heap flags of node-flags.json (the shebang repeats them, so `npx dproc` has them) keep a big run's
// memory down: without them V8 sizes the heap for this machine's RAM, and a 100,000-task run peaked at
// ~780 MB instead of under 500. Only a big run shows it, and they cannot be set once V8 has sized the
// heap, so a process started without them runs small commands as it is, and the CLI asks for a relaunch
// with the flags when it is about to drive a big run or a server (electron/cli/launch.ts). A heap flag
// the user set, in NODE_OPTIONS or on the command line, wins (NODE_OPTIONS=--max-old-space-size=8000).
const { readFileSync } = process.getBuiltinModule('node:fs');
const { fileURLToPath } = process.getBuiltinModule('node:url');
const launcher = fileURLToPath(import.meta.url);
const root = new URL('..', import.meta.url);
const flagsFile = new URL('node-flags.json', import.meta.url);
const [major, minor] = process.versions.node.split('.').map(Number);
const modern = major > 22 || (major === 22 && minor >= 18);

/** Heap flags of node-flags.json whose name this process was not given (NODE_OPTIONS or its command line). */
function missingHeapFlags(execArgv) {
  const given = `${process.env.NODE_OPTIONS ?? ''} ${execArgv.join(' ')}`.replaceAll('_', '-');
  return JSON.parse(readFileSync(flagsFile, 'utf8')).filter((flag) => !given.includes(flag.split('=')[0]));
}

/**
 * Runs `node args…` as a child with a lifeline (an IPC channel whose closing makes it stop) and resolves
 * with its exit code (128 + the signal's number when a signal killed it, as a shell reports it).
 */
function runChild(node, args, env) {
  const { spawn } = process.getBuiltinModule('node:child_process');
  const child = spawn(node, args, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: { ...env, DPROC_LIFELINE: '1' } });
  // Ctrl-C in a terminal reaches both processes (one process group), and a second SIGINT makes the CLI
  // exit at once instead of cancelling cleanly: forward SIGINT only when no terminal sent it to the child.
  const fromTerminal = process.stdin.isTTY || process.stdout.isTTY || process.stderr.isTTY;
  process.on('SIGINT', () => {
    if (!fromTerminal) child.kill('SIGINT');
  });
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  const { constants } = process.getBuiltinModule('node:os');
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 1))));
}

if (!modern) {
  // Nothing else to do here: this process only waits for the one that runs the CLI.
  const { existsSync } = process.getBuiltinModule('node:fs');
  const candidates = ['node_modules/node/bin/node', 'node_modules/.bin/node'].map((p) => fileURLToPath(new URL(p, root)));
  const node = candidates.find((p) => existsSync(p));
  if (!node) {
    process.stderr.write(`dproc: needs Node >= 22.18 (this is ${process.version}); run "npm ci" to install Node 24 into node_modules\n`);
    process.exit(3);
  }
  process.exitCode = await runChild(node, [...missingHeapFlags([]), launcher, ...process.argv.slice(2)], process.env);
} else {
  process.getBuiltinModule('node:module').enableCompileCache?.();
  const argv = process.argv.slice(2);
  // Relaunched once already (below): never again, whatever the flags look like.
  const relaunched = process.env.DPROC_RELAUNCHED === '1';
  delete process.env.DPROC_RELAUNCHED;
  const missing = relaunched ? [] : missingHeapFlags(process.execArgv);
  const launch = {
    missingHeapFlags: missing,
    relaunch(extraEnv = {}) {
      const args = [...missing, ...process.execArgv, launcher, ...argv];
      const env = { ...process.env, ...extraEnv, DPROC_RELAUNCHED: '1' };
      // Same pid, same stdio, signals reach it directly: nothing to forward, no second process to keep.
      if (typeof process.execve === 'function') {
        try {
          process.execve(process.execPath, [process.execPath, ...args], env);
        } catch {
          // Not possible here (e.g. a worker thread); a child process does it.
        }
      }
      return runChild(process.execPath, args, env);
    },
  };
  const cli = await loadCli(argv);
  // Started by a launcher on an older Node (runChild): stop when it dies.
  if (process.env.DPROC_LIFELINE) {
    delete process.env.DPROC_LIFELINE;
    cli.stopWithLauncher();
  }
  process.exitCode = await cli.main(argv, launch);
}

/**
 * The CLI: the bundle when it is up to date (with the engine pointed at its worker entries), else the
 * sources. DPROC_DEBUG=1 says which, and why.
 */
async function loadCli(argv) {
  const { freshBundle, loadBundle } = await import('./cli-bundle.js');
  const outDir = new URL('out/cli/', root);
  const why = {};
  const manifest = freshBundle(fileURLToPath(root), fileURLToPath(outDir), why);
  if (!manifest) {
    if (process.env.DPROC_DEBUG) process.stderr.write(`dproc: running the CLI from its sources (${why.reason}; "npm run build:cli" builds the bundle)\n`);
    return import(new URL('electron/cli/main.ts', root).href);
  }
  // One code cache for the commands that drive a run, one per other command.
  const command = argv[0] ?? '';
  const variant = ['run', 'resume', 'retry', 'skip'].includes(command) ? 'run' : ['validate', 'runs', 'show', 'serve'].includes(command) ? command : 'other';
  const cli = loadBundle(fileURLToPath(new URL(manifest.cli, outDir)), variant);
  cli.setWorkerEntries(Object.fromEntries(Object.entries(manifest.workers).map(([key, file]) => [key, new URL(file, outDir)])));
  return cli;
}
