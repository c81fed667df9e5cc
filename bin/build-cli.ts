// Builds the CLI into out/cli/: one ES module for the CLI and engine (dependencies included, `dproc serve`
// in it but evaluated only when used) and one per worker entry, plus manifest.json, which bin/dproc.js
// reads to find them and to tell whether they are still what the sources say. Run by `npm ci` and
// `npm install` (the "prepare" script) and by `npm run build:cli`.
//
// Why: run from its TypeScript sources, the CLI loads ~260 modules (zod and yaml alone are ~170), which
// took ~120 ms of a one-task `dproc run` even from Node's compile cache; the bundle loads in ~40 ms.
// A bundle older than any file it was built from is not used (bin/dproc.js runs the sources instead), so
// an edit never runs stale code; rebuild with `npm run build:cli`.
//
//   node bin/build-cli.ts [--out DIR] [--quiet]
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the launcher looks for the bundle. */
export const DEFAULT_OUT_DIR = join(ROOT, 'out', 'cli');
/** The manifest's file name in the out directory. */
export const MANIFEST_FILE = 'manifest.json';
/** Bumped when the manifest's shape changes; the launcher ignores a manifest of another version. */
export const MANIFEST_VERSION = 1;

/** What bin/dproc.js reads (paths relative to the out directory, inputs relative to the repository root). */
export interface CliManifest {
  version: number;
  /** The CLI bundle (exports main, stopWithLauncher, setWorkerEntries: electron/cli/bundle.ts). */
  cli: string;
  /** Each worker entry of electron/engine/worker/entries.ts, bundled on its own. */
  workers: Record<string, string>;
  /** Every file the bundles were built from, with its ctime (ms) and size then: [path, ctimeMs, size]. */
  inputs: [string, number, number][];
}

export interface BuildResult {
  outDir: string;
  manifest: CliManifest;
  ms: number;
}

/** Builds the bundles and the manifest into `outDir`; throws when rolldown is not installed. */
export async function buildCli(outDir: string = DEFAULT_OUT_DIR): Promise<BuildResult> {
  const t0 = performance.now();
  const { rolldown } = await import('rolldown');
  const { workerEntries } = await import('../electron/engine/worker/entries.ts');
  mkdirSync(outDir, { recursive: true });
  const inputs = new Set<string>();
  const logLevel = 'silent' as const;
  // Node built-ins stay imports. piscina stays a package import: it starts its threads from its own
  // worker.js, found next to its index.js (a bundled copy would look for it in out/cli/).
  const external = [/^node:/, /^piscina(\/|$)/];

  // The worker entries: one build, so that modules they share land in one chunk both import.
  const workerInput: Record<string, string> = {};
  const workerNames: Record<string, string> = {};
  for (const [key, url] of Object.entries(workerEntries())) {
    const name = basename(fileURLToPath(url)).replace(/\.[cm]?[jt]s$/, '');
    workerInput[name] = fileURLToPath(url);
    workerNames[name] = key;
  }
  const workers: Record<string, string> = {};
  const workerBundle = await rolldown({ input: workerInput, platform: 'node', external, logLevel });
  try {
    const { output } = await workerBundle.write({ dir: outDir, format: 'esm', entryFileNames: 'worker-[name]-[hash].mjs', chunkFileNames: 'worker-chunk-[hash].mjs' });
    for (const chunk of output) {
      if (chunk.type !== 'chunk') continue;
      for (const id of chunk.moduleIds) inputs.add(id);
      if (chunk.isEntry) workers[workerNames[chunk.name]] = chunk.fileName;
    }
  } finally {
    await workerBundle.close();
  }

  // The CLI: one file. `import.meta.main` is false in it, whatever runs it: only the launcher does.
  let cli = '';
  const cliBundle = await rolldown({
    input: { dproc: join(ROOT, 'electron', 'cli', 'bundle.ts') },
    platform: 'node',
    external,
    logLevel,
    transform: { define: { 'import.meta.main': 'false' } },
  });
  try {
    const { output } = await cliBundle.write({ dir: outDir, format: 'esm', entryFileNames: 'cli-[hash].mjs', codeSplitting: false });
    for (const chunk of output) {
      if (chunk.type !== 'chunk') continue;
      for (const id of chunk.moduleIds) inputs.add(id);
      if (chunk.isEntry) cli = chunk.fileName;
    }
  } finally {
    await cliBundle.close();
  }

  const manifest: CliManifest = { version: MANIFEST_VERSION, cli, workers, inputs: inputFacts(inputs) };
  // The manifest last, and by rename: a dproc starting meanwhile sees the old bundle or the new one.
  const tmp = join(outDir, `${MANIFEST_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(manifest)}\n`);
  renameSync(tmp, join(outDir, MANIFEST_FILE));
  removeOldFiles(outDir, manifest);
  return { outDir, manifest, ms: performance.now() - t0 };
}

/** [path relative to the root, ctimeMs, size] of each real file among the bundles' module ids. */
function inputFacts(ids: Set<string>): [string, number, number][] {
  const facts: [string, number, number][] = [];
  for (const id of ids) {
    // Virtual modules (rolldown's runtime) start with \0 and are not files.
    if (!isAbsolute(id)) continue;
    const s = statSync(id, { throwIfNoEntry: false });
    if (!s?.isFile()) continue;
    facts.push([relative(ROOT, id).split(sep).join('/'), s.ctimeMs, s.size]);
  }
  return facts.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/**
 * Deletes the bundle files of builds before the previous one. The previous build's stay: a dproc started
 * from it may still start worker threads from its worker entry files.
 */
function removeOldFiles(outDir: string, manifest: CliManifest): void {
  const keep = new Set([MANIFEST_FILE, manifest.cli, ...Object.values(manifest.workers)]);
  const files = readdirSync(outDir).filter((f) => f.endsWith('.mjs') && !keep.has(f));
  // Without a record of the previous build, keep the newest other generation: files written last.
  const mtimes = new Map(files.map((f) => [f, statSync(join(outDir, f)).mtimeMs]));
  const newestOther = Math.max(0, ...mtimes.values());
  for (const f of files) if ((mtimes.get(f) ?? 0) < newestOther - 60_000) rmSync(join(outDir, f), { force: true });
}

/** Reads a manifest (undefined when absent or unreadable). */
export async function readManifest(outDir: string = DEFAULT_OUT_DIR): Promise<CliManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, MANIFEST_FILE), 'utf8')) as CliManifest;
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, quiet: { type: 'boolean' } } });
  try {
    const r = await buildCli(values.out ?? DEFAULT_OUT_DIR);
    if (!values.quiet) {
      process.stdout.write(`dproc: built the CLI bundle in ${relative(process.cwd(), r.outDir) || '.'} (${r.manifest.inputs.length} source files, ${Math.round(r.ms)} ms)\n`);
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes("'rolldown'")) {
      // An install without dev dependencies: the launcher runs the CLI from its sources.
      process.stdout.write('dproc: rolldown is not installed; the CLI runs from its TypeScript sources\n');
    } else {
      process.stderr.write(`dproc: building the CLI bundle failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
