// The CLI bundle that bin/build-cli.ts writes into out/cli/: whether it may be used, and loading it with a
// V8 code cache. Plain JavaScript: bin/dproc.js imports it before anything else.
//
// Up to date means every file it was built from is unchanged since (same ctime and size), so an edited
// source is never shadowed by an older bundle. Dependencies are checked by their package.json and npm's
// node_modules/.package-lock.json, which every npm install rewrites. ~110 stat calls: ~1 ms.
//
// Why a code cache of its own: Node's compile cache keeps what V8 compiled when it compiled a module,
// which is its top level; every function the CLI then calls (parsing the job's YAML, zod checking it,
// the store, the coordinator…) is compiled again on every start. V8 can serialise a script's code
// after it has run, with those functions in it. Measured against the same bundle as an ES module from
// Node's compile cache: `dproc validate` 0.167 → 0.110 s, parsing and checking a job 14 → 5 ms.
const { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { basename, dirname, join, sep } = process.getBuiltinModule('node:path');

/** The manifest version bin/build-cli.ts writes (MANIFEST_VERSION there). */
export const MANIFEST_VERSION = 1;

/**
 * The manifest of the bundle in `outDir` (bin/build-cli.ts: CliManifest) when the bundle is there and
 * up to date with the sources under `root`; otherwise undefined, and the reason in `why.reason`.
 * @param {string} root the repository root
 * @param {string} outDir where the bundle is (out/cli)
 * @param {{ reason?: string }} [why]
 */
export function freshBundle(root, outDir, why = {}) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
  } catch {
    why.reason = 'no bundle';
    return undefined;
  }
  if (manifest?.version !== MANIFEST_VERSION || !Array.isArray(manifest.inputs) || typeof manifest.cli !== 'string') {
    why.reason = 'a bundle of another version';
    return undefined;
  }
  const base = root.endsWith(sep) ? root : root + sep;
  for (const [file, ctimeMs, size] of manifest.inputs) {
    const s = statSync(base + file, { throwIfNoEntry: false });
    if (!s || s.ctimeMs !== ctimeMs || s.size !== size) {
      why.reason = `${file} changed since the bundle was built`;
      return undefined;
    }
  }
  for (const file of [manifest.cli, ...Object.values(manifest.workers ?? {}), ...(manifest.chunks ?? [])]) {
    if (!statSync(join(outDir, file), { throwIfNoEntry: false })) {
      why.reason = `${file} is missing`;
      return undefined;
    }
  }
  return manifest;
}

/**
 * Loads the CommonJS bundle `file` (and the chunks it requires, `./*.cjs` next to it) and returns its
 * exports, each file compiled from a code cache in Node's compile cache directory when V8 accepts the
 * one there. Without one (first start, a new bundle, other V8 flags) the cache is written when this
 * process exits, with every function the command compiled. `variant` names the caches: one per kind of
 * command, so that `dproc validate` does not leave `dproc run` a cache without the run's functions.
 * With Node's compile cache disabled (NODE_DISABLE_COMPILE_CACHE), no cache is read or written.
 * @param {string} file
 * @param {string} variant
 */
export function loadBundle(file, variant) {
  const vm = process.getBuiltinModule('node:vm');
  const { createRequire, getCompileCacheDir } = process.getBuiltinModule('node:module');
  const cacheDir = getCompileCacheDir?.();
  const outDir = dirname(file);
  // Caches are named after the bundle's folder and file (whose name carries a hash of its content, so
  // a new bundle never meets an old cache) and the V8 flags, as V8 rejects a cache made under others.
  const tag = `dproc-${hash(outDir)}-`;
  const flags = hash(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`);
  const modules = new Map();
  const unsaved = [];
  const load = (path) => {
    const known = modules.get(path);
    if (known) return known.exports;
    const module = { exports: {}, id: path, filename: path, loaded: false };
    modules.set(path, module);
    const cacheFile = cacheDir && join(cacheDir, `${tag}${basename(path)}.${variant}.${flags}.v8cache`);
    let cachedData;
    try {
      if (cacheFile) cachedData = readFileSync(cacheFile);
    } catch {
      // No cache yet.
    }
    const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(path, 'utf8')}\n})`, {
      filename: path,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const real = createRequire(path);
    const require = Object.assign((id) => (id.startsWith('./') && id.endsWith('.cjs') ? load(join(outDir, id)) : real(id)), { resolve: real.resolve, cache: real.cache });
    script.runInThisContext()(module.exports, require, module, path, outDir);
    module.loaded = true;
    if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
      if (unsaved.length === 0) process.once('exit', () => saveCaches(unsaved, cacheDir, tag, outDir));
      unsaved.push([script, cacheFile]);
    }
    return module.exports;
  };
  return load(file);
}

/** Writes each cache (whole or not at all), then removes this folder's caches of bundle files gone since. Best effort. */
function saveCaches(unsaved, cacheDir, tag, outDir) {
  try {
    for (const [script, cacheFile] of unsaved) {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    }
    for (const f of readdirSync(cacheDir)) {
      if (!f.startsWith(tag) || !f.endsWith('.v8cache')) continue;
      const name = f.slice(tag.length, f.indexOf('.cjs.') + 4);
      if (!statSync(join(outDir, name), { throwIfNoEntry: false })) rmSync(join(cacheDir, f), { force: true });
    }
  } catch {
    // A read-only or full disk: the next start compiles again.
  }
}

/** FNV-1a of a string, as 8 hex digits. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
