import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { APP_DEFAULT_ON_FAILURE } from '../../api/handlers.ts';
import { Engine } from '../../engine/engine.ts';
import { resolveDataDir } from '../../engine/store/data-dir.ts';
import { startServer, type DprocServer } from '../../server/server.ts';
import type { ServeCommandOptions } from './serve-options.ts';

export { parsePort, type ServeCommandOptions } from './serve-options.ts';

/**
 * `dproc serve`: the app in a browser. Runs until SIGINT/SIGTERM, then releases the runs it drives (they
 * read as INTERRUPTED and resume later, nothing is cancelled) and resolves with exit code 0.
 */
export async function serveCommand(opts: ServeCommandOptions): Promise<number> {
  const workspaceDir = resolve(opts.workspace ?? process.cwd());
  if (!existsSync(workspaceDir)) {
    process.stderr.write(`dproc serve: workspace folder ${workspaceDir} does not exist\n`);
    return 3;
  }
  const engine = Engine.open({ dataDir: resolveDataDir({ dataDir: opts.dataDir }), defaultOnFailure: APP_DEFAULT_ON_FAILURE });
  const started = new Set<string>();
  const offStarted = engine.onRunStarted((c) => started.add(c.runId));
  let server: DprocServer;
  try {
    server = await startServer({ engine, host: opts.host, port: opts.port, workspaceDir });
  } catch (err) {
    offStarted();
    await engine.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') process.stderr.write(`dproc serve: port ${opts.port} is in use on ${opts.host}; choose another with --port (0 picks a free one)\n`);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') process.stderr.write(`dproc serve: cannot listen on ${opts.host}: no such local address\n`);
    else throw err;
    return 1;
  }

  const out = process.stdout;
  out.write(`dproc serve: the app is at\n\n    ${server.url}\n\n`);
  out.write(`  data ${engine.dataDir} · workspace ${workspaceDir}\n`);
  if (!existsSync(join(server.staticDir, 'index.html'))) {
    out.write(`  note: no built app in ${server.staticDir}: run "npm run build" first (the WebSocket API works meanwhile)\n`);
  }
  if (opts.host !== '127.0.0.1' && opts.host !== 'localhost' && opts.host !== '::1') {
    out.write(`  warning: listening on ${opts.host}: other machines can reach this port; the token is all that protects it\n`);
  }
  out.write('  Ctrl+C stops the server; runs still going are released (INTERRUPTED), not cancelled, and can be resumed.\n');
  // Only when a person is watching a terminal: in CI or a service there is no browser to open.
  if (opts.open && process.stdout.isTTY) openBrowser(server.url);

  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  // A second Ctrl+C while shutting down means "now".
  process.once('SIGINT', () => process.exit(130));
  const live = [...started].filter((id) => {
    const state = engine.coordinator(id)?.snapshot.state;
    return state === 'RUNNING' || state === 'NEEDS_ATTENTION';
  });
  await server.close();
  offStarted();
  await engine.close();
  out.write(`\ndproc serve: stopped (${signal}).`);
  out.write(
    live.length === 0
      ? ' No runs were in progress.\n'
      : ` Released ${live.length} run${live.length === 1 ? '' : 's'} (now INTERRUPTED; "dproc resume <run-id>" or Resume in the app continues):\n${live.map((id) => `  ${id}\n`).join('')}`,
  );
  return 0;
}

/** Best effort: a missing opener or display is not an error, the URL is printed anyway. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // spawn itself may throw on odd platforms; the printed URL is enough.
  }
}
