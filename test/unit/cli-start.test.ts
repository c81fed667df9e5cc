import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshBundle, MANIFEST_VERSION } from '../../bin/cli-bundle.js';
import { MANIFEST_VERSION as BUILT_VERSION } from '../../bin/build-cli.ts';
import { HEAP_FLAGS_FROM_TASKS, wantsHeapFlags, type Launch } from '../../electron/cli/launch.ts';
import { prepareRun } from '../../electron/engine/engine.ts';
import type { Executor } from '../../electron/engine/executors/executor.ts';
import type { IsolationLevel } from '../../shared/states.ts';
import { makePlan } from '../support/plans.ts';

// How the CLI starts (README: How the CLI starts): the launcher's pieces that need no process of their own.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dproc-cli-start-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const launch = (missing: string[]): Launch => ({ missingHeapFlags: missing, relaunch: () => Promise.resolve(0) });

describe('wantsHeapFlags', () => {
  it('asks for a relaunch only for a big run in a process without the heap flags', () => {
    expect(wantsHeapFlags(launch(['--max-semi-space-size=8']), HEAP_FLAGS_FROM_TASKS)).toBe(true);
    expect(wantsHeapFlags(launch(['--max-semi-space-size=8']), HEAP_FLAGS_FROM_TASKS - 1)).toBe(false);
    expect(wantsHeapFlags(launch([]), 1_000_000)).toBe(false);
    // Not started by bin/dproc.js: it never relaunches.
    expect(wantsHeapFlags(undefined, 1_000_000)).toBe(false);
  });
});

describe('prepareRun', () => {
  it('resolves the settings and tells each executor, before any store exists, how many of the first attempts are its', () => {
    const expected: [IsolationLevel, number][] = [];
    const factory = (kind: IsolationLevel): Executor => ({
      kind,
      execute: () => Promise.resolve(new Uint8Array()),
      expect: (n) => expected.push([kind, n]),
      close: async () => {},
    });
    const plan = makePlan([
      { id: 'a', isolation: 'process' },
      { id: 'b', isolation: 'thread' },
      { id: 'c', isolation: 'process' },
      { id: 'd', isolation: 'pooled' },
      { id: 'sum', blockedBy: ['a', 'b', 'c', 'd'], isolation: 'pooled' },
    ]);
    const run = prepareRun(plan, { concurrency: 3 }, 'skip', factory);
    expect(run.settings).toEqual({ concurrency: 3, onFailure: 'skip' });
    // The first 3 tasks that can start at once: a, b, c. d and sum start later; the coordinator's forecast covers them.
    expect(expected.sort()).toEqual([
      ['process', 2],
      ['thread', 1],
    ]);
    expect(run.executors.kinds().sort()).toEqual(['process', 'thread']);
  });
});

describe('freshBundle', () => {
  function bundleWith(inputs: [string, number, number][], extra: Record<string, unknown> = {}): string {
    const out = join(dir, 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'cli-x.cjs'), 'exports.ok = 1;\n');
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version: MANIFEST_VERSION, cli: 'cli-x.cjs', workers: {}, chunks: [], inputs, ...extra }));
    return out;
  }
  const factsOf = (file: string): [string, number, number] => {
    const s = statSync(join(dir, file));
    return [file, s.ctimeMs, s.size];
  };

  it('is the manifest while every input is as it was built', () => {
    writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n');
    const out = bundleWith([factsOf('a.ts')]);
    expect(freshBundle(dir, out)?.cli).toBe('cli-x.cjs');
    expect(MANIFEST_VERSION).toBe(BUILT_VERSION);
  });

  it('is undefined, with the reason, once a source changed, went missing, or the bundle is incomplete or of another version', () => {
    writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n');
    const why: { reason?: string } = {};
    let out = bundleWith([factsOf('a.ts')]);
    writeFileSync(join(dir, 'a.ts'), 'export const a = 2;\n');
    expect(freshBundle(dir, out, why)).toBeUndefined();
    expect(why.reason).toBe('a.ts changed since the bundle was built');

    out = bundleWith([factsOf('a.ts'), ['gone.ts', 1, 1]]);
    expect(freshBundle(dir, out, why)).toBeUndefined();
    expect(why.reason).toContain('gone.ts');

    out = bundleWith([factsOf('a.ts')], { workers: { thread: 'worker-missing.mjs' } });
    expect(freshBundle(dir, out, why)).toBeUndefined();
    expect(why.reason).toBe('worker-missing.mjs is missing');

    out = bundleWith([factsOf('a.ts')], { version: MANIFEST_VERSION + 1 });
    expect(freshBundle(dir, out, why)).toBeUndefined();
    expect(freshBundle(dir, join(dir, 'nowhere'), why)).toBeUndefined();
    expect(why.reason).toBe('no bundle');
  });
});

describe('loadBundle', () => {
  const cliBundle = fileURLToPath(new URL('../../bin/cli-bundle.js', import.meta.url));

  /** Loads `file` with loadBundle in a new process (NODE_COMPILE_CACHE=cache) and returns what it printed. */
  function loadInChild(file: string, cache: string): string {
    const script = `import { loadBundle } from ${JSON.stringify(cliBundle)};
import { enableCompileCache } from 'node:module';
enableCompileCache();
const m = loadBundle(${JSON.stringify(file)}, 'run');
console.log(JSON.stringify({ answer: m.answer(), dirname: m.dirname, required: m.required }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_COMPILE_CACHE: cache } });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  }

  it('runs a CommonJS bundle with its own require and __dirname, and leaves a V8 code cache for the next start', () => {
    const file = join(dir, 'cli-abc.cjs');
    // A chunk, required by the entry as rolldown writes it, is loaded (once) the same way.
    writeFileSync(join(dir, 'cli-chunk-x.cjs'), 'exports.n = 40; exports.loads = (exports.loads ?? 0) + 1;\n');
    writeFileSync(
      file,
      "const chunk = require('./cli-chunk-x.cjs');\nexports.answer = () => chunk.n + require('./cli-chunk-x.cjs').loads + 1;\nexports.dirname = __dirname;\nexports.required = typeof require('node:fs').readFileSync;\n",
    );
    const cache = join(dir, 'cache');
    const expected = `${JSON.stringify({ answer: 42, dirname: dir, required: 'function' })}\n`;
    expect(loadInChild(file, cache)).toBe(expected);
    const caches = () => readdirSync(cache, { recursive: true }).map(String).filter((f) => f.endsWith('.v8cache'));
    expect(caches().sort()).toEqual([expect.stringMatching(/dproc-[0-9a-f]{8}-cli-abc\.cjs\.run\.[0-9a-f]{8}\.v8cache$/), expect.stringMatching(/-cli-chunk-x\.cjs\.run\./)]);
    // Again, from the cache; then with the cache damaged (V8 rejects it, it is rewritten).
    expect(loadInChild(file, cache)).toBe(expected);
    for (const f of caches()) writeFileSync(join(cache, f), 'not a code cache');
    expect(loadInChild(file, cache)).toBe(expected);
    expect(caches()).toHaveLength(2);
  });
});
