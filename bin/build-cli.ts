// Builds the CLI into out/cli/: the CLI and engine with their dependencies as CommonJS (an entry, the
// chunk a run needs, the chunk only `dproc serve` loads), one ES module per worker entry (plus the
// chunks they share), and manifest.json, which bin/dproc.js reads to find them and to tell whether they are
// still what the sources say. Run by `npm ci` and `npm install` (the "prepare" script) and by
// `npm run build:cli`.
//
// Why: from its TypeScript sources the CLI loads ~260 modules (zod and yaml alone ~170), ~150 ms of a
// one-task `dproc run` even from Node's compile cache. The bundle loads in a fraction of that, and
// bin/cli-bundle.js loads it with a V8 code cache that also holds the functions a run calls. CommonJS
// because that cache needs a classic script (vm.Script); the workers stay ES modules (they are started
// by path, by piscina and child_process.fork).
//
// A bundle older than any file it was built from is not used (bin/dproc.js runs the sources instead),
// so an edit never runs stale code; `npm run build:cli` brings it up to date.
//
//   node bin/build-cli.ts [--out DIR] [--quiet] [--strict]    (--strict: exit 1 when the build fails)
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * Where the launcher looks for the bundle. Two folders below the root, like electron/server/: the
 * server finds out/renderer and examples/ from its own folder (import.meta.dirname/../..), which in the
 * bundle is this one.
 */
export const DEFAULT_OUT_DIR = join(ROOT, 'out', 'cli');
/** The manifest's file name in the out directory. */
export const MANIFEST_FILE = 'manifest.json';
/** Bumped when the manifest's shape changes; the launcher ignores a manifest of another version (bin/cli-bundle.js). */
export const MANIFEST_VERSION = 1;

/** What bin/dproc.js reads (files relative to the out directory, inputs relative to the repository root). */
export interface CliManifest {
  version: number;
  /** The CLI bundle, CommonJS (exports main, stopWithLauncher, setWorkerEntries: electron/cli/bundle.ts). */
  cli: string;
  /** Each worker entry of electron/engine/worker/entries.ts, by its key there. */
  workers: Record<string, string>;
  /** The other files of the bundles (chunks the CLI and the worker entries import). */
  chunks: string[];
  /** What the bundles were built from, as [path, ctimeMs, size] then. */
  inputs: [string, number, number][];
}

export interface BuildResult {
  outDir: string;
  manifest: CliManifest;
  ms: number;
}

/** Builds the bundles and the manifest into `outDir`; throws when rolldown (a dependency of vite) is not installed. */
export async function buildCli(outDir: string = DEFAULT_OUT_DIR): Promise<BuildResult> {
  const t0 = performance.now();
  const { rolldown } = await import('rolldown');
  const { workerEntries } = await import('../electron/engine/worker/entries.ts');
  mkdirSync(outDir, { recursive: true });
  const inputs = new Set<string>();
  const logLevel = 'silent' as const;
  // Node built-ins stay imports. In the workers, piscina does too (a worker thread does not start piscina).
  const external = [/^node:/];

  // The worker entries: one build, so that modules they share land in chunks both import.
  const workerInput: Record<string, string> = {};
  const keyOf: Record<string, string> = {};
  for (const [key, url] of Object.entries(workerEntries())) {
    const name = basename(fileURLToPath(url)).replace(/\.[cm]?[jt]s$/, '');
    workerInput[name] = fileURLToPath(url);
    keyOf[name] = key;
  }
  const workers: Record<string, string> = {};
  const chunks: string[] = [];
  const workerBundle = await rolldown({ input: workerInput, platform: 'node', external: [...external, /^piscina(\/|$)/], logLevel });
  try {
    const { output } = await workerBundle.write({ dir: outDir, format: 'esm', entryFileNames: 'worker-[name]-[hash].mjs', chunkFileNames: 'worker-chunk-[hash].mjs' });
    for (const chunk of output) {
      if (chunk.type !== 'chunk') continue;
      for (const id of chunk.moduleIds) inputs.add(id);
      if (chunk.isEntry) workers[keyOf[chunk.name]] = chunk.fileName;
      else chunks.push(chunk.fileName);
    }
  } finally {
    await workerBundle.close();
  }

  // The CLI: an entry, the chunk of everything `dproc run` needs, and the chunk only `dproc serve` loads
  // (node:http, ws, the API: kept out of every other command's start). `import.meta.main` is false in
  // it: only the launcher runs it.
  let cli = '';
  const cliBundle = await rolldown({
    input: { dproc: join(ROOT, 'electron', 'cli', 'bundle.ts') },
    platform: 'node',
    external,
    logLevel,
    transform: { define: { 'import.meta.main': 'false' } },
    plugins: [piscinaWorkerPath()],
  });
  try {
    const { output } = await cliBundle.write({ dir: outDir, format: 'cjs', entryFileNames: 'cli-[hash].cjs', chunkFileNames: 'cli-chunk-[hash].cjs' });
    for (const chunk of output) {
      if (chunk.type !== 'chunk') continue;
      for (const id of chunk.moduleIds) inputs.add(id);
      if (chunk.isEntry) cli = chunk.fileName;
      else chunks.push(chunk.fileName);
    }
  } finally {
    await cliBundle.close();
  }

  const previous = readManifest(outDir);
  const manifest: CliManifest = { version: MANIFEST_VERSION, cli, workers, chunks, inputs: inputFacts(inputs) };
  // The manifest last, and by rename: a dproc starting meanwhile sees the old bundle or the new one.
  const tmp = join(outDir, `${MANIFEST_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(manifest)}\n`);
  renameSync(tmp, join(outDir, MANIFEST_FILE));
  removeOldFiles(outDir, manifest, previous);
  return { outDir, manifest, ms: performance.now() - t0 };
}

/**
 * piscina in the bundle: it loaded as ~15 CommonJS files, 6-12 ms of every start. It starts its threads
 * from the worker.js next to its own index.js (`resolve(__dirname, 'worker.js')`), which in the bundle
 * is out/cli/: point it at the installed package's instead. Fails the build if piscina's code changed.
 */
function piscinaWorkerPath() {
  const WORKER_PATH = "(0, node_path_1.resolve)(__dirname, 'worker.js')";
  return {
    name: 'dproc:piscina-worker-path',
    transform(code: string, id: string) {
      if (!/[\\/]node_modules[\\/]piscina[\\/]dist[\\/]index\.js$/.test(id)) return null;
      if (!code.includes(WORKER_PATH)) throw new Error(`piscina's ${id} no longer contains ${WORKER_PATH}: update bin/build-cli.ts`);
      // `require` here is the bundle's own (bin/cli-bundle.js gives it one that resolves from out/cli/).
      return code.replace(WORKER_PATH, "(0, node_path_1.join)((0, node_path_1.dirname)(require.resolve('piscina')), 'worker.js')");
    },
  };
}

/**
 * [path relative to the root, ctimeMs, size] of each file the bundles were built from: the project's own
 * files one by one; of a package in node_modules, its package.json, and npm's node_modules/.package-lock.json
 * (rewritten by every install), so that ~110 files say what ~220 would.
 */
function inputFacts(ids: Set<string>): [string, number, number][] {
  const files = new Set<string>();
  for (const id of ids) {
    // Virtual modules (rolldown's runtime) start with \0 and are not files.
    if (!isAbsolute(id)) continue;
    const path = relative(ROOT, id).split(sep).join('/');
    const inPackage = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (inPackage) {
      files.add(`node_modules/${inPackage[1]}/package.json`);
      files.add('node_modules/.package-lock.json');
    } else {
      files.add(path);
    }
  }
  const facts: [string, number, number][] = [];
  for (const file of files) {
    const s = statSync(join(ROOT, file), { throwIfNoEntry: false });
    if (s?.isFile()) facts.push([file, s.ctimeMs, s.size]);
  }
  return facts.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** The bundle files a manifest names. */
function filesOf(manifest: CliManifest | undefined): string[] {
  return manifest ? [manifest.cli, ...Object.values(manifest.workers ?? {}), ...(manifest.chunks ?? [])] : [];
}

/**
 * Deletes the files of builds before the previous one. The previous build's stay: a dproc started from it
 * may still start workers from its worker entry files.
 */
function removeOldFiles(outDir: string, current: CliManifest, previous: CliManifest | undefined): void {
  const keep = new Set([...filesOf(current), ...filesOf(previous)]);
  for (const f of readdirSync(outDir)) {
    if (/\.[cm]js$/.test(f) && !keep.has(f)) rmSync(join(outDir, f), { force: true });
  }
}

/** The manifest in `outDir` (undefined when absent or unreadable). */
export function readManifest(outDir: string = DEFAULT_OUT_DIR): CliManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, MANIFEST_FILE), 'utf8')) as CliManifest;
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, quiet: { type: 'boolean' }, strict: { type: 'boolean' } } });
  try {
    const r = await buildCli(values.out ?? DEFAULT_OUT_DIR);
    if (!values.quiet) {
      process.stdout.write(`dproc: built the CLI bundle in ${relative(process.cwd(), r.outDir) || '.'} (${Math.round(r.ms)} ms)\n`);
    }
  } catch (err) {
    const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes("'rolldown'");
    // Not fatal to `npm ci` unless --strict: the launcher then runs the sources (and the bundle's tests fail).
    process.stderr.write(
      missing
        ? 'dproc: rolldown is not installed, so there is no CLI bundle; the CLI runs from its TypeScript sources\n'
        : `dproc: building the CLI bundle failed; the CLI runs from its TypeScript sources:\n${(err as Error).stack ?? String(err)}\n`,
    );
    process.exitCode = values.strict ? 1 : 0;
  }
}
