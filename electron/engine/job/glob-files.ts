import { glob, globSync, stat, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';

// fs.glob/globSync are stable in Node 24 (no ExperimentalWarning; checked by
// test/integration/job-load-node.test.ts). On Node 22.13–22.16 they still warn once per process;
// if that matters, this file is the one place to swap in a hand-written matcher.

/**
 * Regular files (symlinks followed) matching `pattern` relative to `cwd`, as absolute paths sorted by
 * code unit so that foreach expansions come out in the same order on every machine and locale.
 * Supports `*`, `?`, `**`, `[abc]` and `{a,b}`; like a shell, `*` does not match a leading dot.
 */
export function globFilesSync(pattern: string, cwd: string): string[] {
  const found = globSync(pattern, { cwd }).map((m) => resolve(cwd, m));
  return sortPaths(found.filter((p) => isFileSync(p)));
}

/** The async twin of globFilesSync, for callers that must not block (Electron's main process). */
export async function globFiles(pattern: string, cwd: string): Promise<string[]> {
  const matches = await new Promise<string[]>((done, fail) => glob(pattern, { cwd }, (err, m) => (err ? fail(err) : done(m))));
  const found = matches.map((m) => resolve(cwd, m));
  const isFileFlags = await Promise.all(found.map((p) => fileKind(p).then((k) => k === 'file')));
  return sortPaths(found.filter((_, i) => isFileFlags[i]));
}

/** What is at a path: a regular file (symlinks followed), something else, or nothing. */
export type FileKind = 'file' | 'other' | 'missing';

/** Sync: what is at `path`. */
export function fileKindSync(path: string): FileKind {
  try {
    return statSync(path).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** Async: what is at `path`. */
export async function fileKind(path: string): Promise<FileKind> {
  try {
    return (await statAsync(path)).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

// The callback API, not node:fs/promises: loading that module costs every `dproc run` ~1.5 ms.
function statAsync(path: string): Promise<Stats> {
  return new Promise((done, fail) => stat(path, (err, s) => (err ? fail(err) : done(s))));
}

function isFileSync(path: string): boolean {
  return fileKindSync(path) === 'file';
}

function sortPaths(paths: string[]): string[] {
  return [...new Set(paths)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
