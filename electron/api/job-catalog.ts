import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { JobEntry } from '../../shared/contract.ts';
import { API_ERROR_CODES, ApiRequestError } from './api-errors.ts';

/** Where the launcher finds jobs, and whether a job outside those places may be opened. */
export interface JobCatalogOptions {
  /** `examples/`: each `examples/<name>/*.job.{yaml,yml,json}` is offered. */
  examplesDir: string;
  /** A folder searched (depth-limited) for `**\/*.job.{yaml,yml,json}`; relative job paths resolve against it. */
  workspaceDir?: string;
  /** Job files the user opened before (Electron keeps this list). */
  recentJobs?: () => string[];
  /**
   * True in Electron, where the user picked the file in an Open dialog. False in serve mode (default), so
   * a browser page cannot make the server read files outside the examples and workspace folders.
   */
  allowAnyPath?: boolean;
}

const JOB_FILE = /\.job\.(ya?ml|json)$/i;
/** Deep enough for `jobs/<team>/<job>/x.job.yaml`; shallow enough that a home folder is not crawled. */
const MAX_DEPTH = 4;
const MAX_DIRS = 2_000;
const MAX_JOBS = 500;
/** Files bigger than this are listed by file name; their `name:` is not worth reading the whole file. */
const MAX_NAME_READ_BYTES = 256 * 1024;
const SKIPPED_DIRS = new Set(['node_modules', 'out', 'dist']);

/** Lists the jobs the launcher offers and decides which job paths a client may load. */
export class JobCatalog {
  private readonly options: JobCatalogOptions;

  constructor(options: JobCatalogOptions) {
    this.options = options;
  }

  /** Examples first, then workspace jobs, then recently opened ones; each path once, absolute. */
  async list(): Promise<JobEntry[]> {
    const seen = new Set<string>();
    const entries: JobEntry[] = [];
    const add = async (path: string, source: JobEntry['source']) => {
      if (seen.has(path) || entries.length >= MAX_JOBS) return;
      seen.add(path);
      entries.push({ path, name: await jobName(path), source });
    };
    for (const p of await exampleJobs(this.options.examplesDir)) await add(p, 'example');
    if (this.options.workspaceDir) for (const p of await workspaceJobs(this.options.workspaceDir)) await add(p, 'workspace');
    for (const p of this.options.recentJobs?.() ?? []) {
      const abs = resolve(p);
      if (this.options.allowAnyPath || (await this.isAllowed(abs))) await add(abs, 'recent');
    }
    return entries;
  }

  /**
   * The absolute path to load for a client's `path` (relative paths resolve against the workspace).
   * Throws DPROC_E_PATH_NOT_ALLOWED for a path outside the allowed folders, before touching the file,
   * so a page cannot even learn whether a file exists elsewhere.
   */
  async resolveJobPath(path: string): Promise<string> {
    const abs = resolve(this.options.workspaceDir ?? process.cwd(), path);
    if (this.options.allowAnyPath) return abs;
    if (!(await this.isAllowed(abs))) {
      throw new ApiRequestError(
        API_ERROR_CODES.PATH_NOT_ALLOWED,
        `${path}: only job files inside the examples folder or the workspace (${this.roots().join(', ')}) can be opened here`,
      );
    }
    return abs;
  }

  private roots(): string[] {
    return [this.options.examplesDir, this.options.workspaceDir].filter((d): d is string => !!d).map((d) => resolve(d));
  }

  /** Inside a root both as written and after symlinks are followed (a link inside may point outside). */
  private async isAllowed(abs: string): Promise<boolean> {
    const roots = this.roots();
    if (!roots.some((r) => isInside(r, abs))) return false;
    const real = await realpath(abs).catch(() => undefined);
    if (real === undefined) return true; // missing: the loader reports "not found" for a path we allow anyway
    const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => r)));
    return realRoots.some((r) => isInside(r, real));
  }
}

/** Whether `path` is strictly inside `root` (both absolute). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function exampleJobs(examplesDir: string): Promise<string[]> {
  const out: string[] = [];
  const root = resolve(examplesDir);
  for (const dir of await listDir(root)) {
    if (!dir.isDirectory() || dir.name.startsWith('.')) continue;
    const folder = join(root, dir.name);
    for (const f of await listDir(folder)) if (f.isFile() && JOB_FILE.test(f.name)) out.push(join(folder, f.name));
  }
  return out.sort();
}

/** Breadth-first, depth- and size-limited: a workspace may be a home folder. Hidden folders are skipped. */
async function workspaceJobs(workspaceDir: string): Promise<string[]> {
  const out: string[] = [];
  let level = [resolve(workspaceDir)];
  let dirsRead = 0;
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (++dirsRead > MAX_DIRS || out.length >= MAX_JOBS) return out.sort();
      for (const e of await listDir(dir)) {
        if (e.name.startsWith('.')) continue;
        const full = join(dir, e.name);
        if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) next.push(full);
        else if (e.isFile() && JOB_FILE.test(e.name)) out.push(full);
      }
    }
    level = next;
  }
  return out.sort();
}

async function listDir(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return []; // unreadable or gone: the launcher simply offers less
  }
}

/** The job's own `name:`, else the file name without `.job.yaml`. Never throws: a broken file is still listed. */
async function jobName(path: string): Promise<string> {
  const fallback = basename(path).replace(JOB_FILE, '');
  try {
    if ((await stat(path)).size > MAX_NAME_READ_BYTES) return fallback;
    const text = await readFile(path, 'utf8');
    const data: unknown = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    const name = (data as { name?: unknown } | null)?.name;
    return typeof name === 'string' && name.trim() !== '' ? name : fallback;
  } catch {
    return fallback;
  }
}
