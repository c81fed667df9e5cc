import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, ROOT, type BuildResult } from '../../bin/build-cli.ts';
import { freshBundle } from '../../bin/cli-bundle.js';

// The CLI bundle (bin/build-cli.ts) runs jobs as the sources do, its workers included. Built here into a
// folder of its own two levels below the root, as out/cli is (the server finds out/renderer from there).

const cliBundle = fileURLToPath(new URL('../../bin/cli-bundle.js', import.meta.url));
let built: BuildResult;
let dir: string;
beforeAll(async () => {
  built = await buildCli(join(ROOT, 'out', `cli-test-${process.pid}`));
  dir = mkdtempSync(join(tmpdir(), 'dproc-bundle-'));
  writeFileSync(join(dir, 'probe.mjs'), 'export default () => ({ entry: process.argv[1] ?? null, thread: typeof process.send !== "function" });\n');
  writeFileSync(
    join(dir, 'probe.job.yaml'),
    'name: probe\ntasks:\n  - id: child\n    processor: ./probe.mjs\n    isolation: process\n  - id: thread\n    processor: ./probe.mjs\n    isolation: thread\n  - id: pooled\n    processor: ./probe.mjs\n    isolation: pooled\n',
  );
}, 120_000);
afterAll(() => {
  rmSync(built.outDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the bundled CLI as bin/dproc.js does (loadBundle, setWorkerEntries, main) in a new process. */
function runBundled(args: string[], cache: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', runBundledScript(args)], { encoding: 'utf8', env: { ...process.env, NODE_COMPILE_CACHE: cache } });
}

function runBundledScript(args: string[]): string {
  return `import { loadBundle } from ${JSON.stringify(cliBundle)};
import { enableCompileCache } from 'node:module';
import { pathToFileURL } from 'node:url';
enableCompileCache();
const outDir = ${JSON.stringify(built.outDir)};
const manifest = ${JSON.stringify(built.manifest)};
const cli = loadBundle(outDir + '/' + manifest.cli, 'run');
cli.setWorkerEntries(Object.fromEntries(Object.entries(manifest.workers).map(([k, f]) => [k, pathToFileURL(outDir + '/' + f)])));
process.exitCode = await cli.main(${JSON.stringify(args)});`;
}

describe('the CLI bundle', () => {
  it('names every worker entry, and is fresh while the sources are unchanged', () => {
    expect(Object.keys(built.manifest.workers).sort()).toEqual(['child', 'thread']);
    expect(built.manifest.inputs.map(([f]) => f)).toEqual(expect.arrayContaining(['electron/cli/main.ts', 'shared/job-schema.ts', 'node_modules/zod/package.json']));
    expect(freshBundle(ROOT, built.outDir)?.cli).toBe(built.manifest.cli);
  });

  it('runs a job on every isolation level, its workers started from the bundled entries, and leaves a code cache', () => {
    const cache = join(dir, 'cache');
    for (let i = 0; i < 2; i++) {
      const r = runBundled(['run', join(dir, 'probe.job.yaml'), '--json', '--data-dir', join(dir, 'data')], cache);
      expect(r.status, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { state: string; result: Record<string, { entry: string; thread: boolean }> };
      expect(doc.state).toBe('COMPLETE');
      expect(doc.result.child.entry).toBe(join(built.outDir, built.manifest.workers.child));
      expect(doc.result.child.thread).toBe(false);
      // piscina is inside the bundle; its threads start from the installed package's worker.js.
      expect(doc.result.thread.entry).toMatch(/node_modules[/\\]piscina[/\\]dist[/\\]worker\.js$/);
      expect(doc.result.pooled.thread).toBe(true);
    }
    expect(readdirSync(cache, { recursive: true }).map(String).filter((f) => f.includes(built.manifest.cli))).toHaveLength(1);
  });

  it('serves from the chunk only `dproc serve` loads, and stops on SIGINT', async () => {
    const script = runBundledScript(['serve', '--port', '0', '--no-open', '--data-dir', join(dir, 'data'), '--workspace', dir]);
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_COMPILE_CACHE: join(dir, 'cache') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl+C stops the server')) resolve();
      }),
    );
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)?.[0];
    expect(url).toBeDefined();
    // Any answer means the server's event loop runs: its SIGINT handler is in place.
    expect((await fetch(url!)).status).toBeLessThan(600);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('prints usage errors and help as the sources do', () => {
    const help = runBundled(['--help'], join(dir, 'cache'));
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 COMPLETE');
    const bad = runBundled(['run'], join(dir, 'cache'));
    expect(bad.status).toBe(3);
    expect(bad.stderr).toContain("missing required argument 'job'");
  });
});
