import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

/** How many job files File › Open Recent remembers. */
export const MAX_RECENT_JOBS = 10;

/**
 * The job files the user opened or ran, newest first, kept in a small JSON file in userData. A missing or
 * unreadable file is an empty list: losing recents must never stop the app from starting.
 */
export class RecentJobs {
  readonly file: string;
  private paths: string[];
  private readonly listeners = new Set<() => void>();

  constructor(file: string) {
    this.file = file;
    this.paths = readList(file);
  }

  /** Newest first, absolute paths. */
  list(): string[] {
    return [...this.paths];
  }

  /** Moves (or adds) `path` to the front, trims the list, saves it; listeners rebuild the menu. */
  add(path: string): void {
    const abs = resolve(path);
    if (this.paths[0] === abs) return;
    this.paths = [abs, ...this.paths.filter((p) => p !== abs)].slice(0, MAX_RECENT_JOBS);
    this.changed();
  }

  clear(): void {
    if (this.paths.length === 0) return;
    this.paths = [];
    this.changed();
  }

  /** Called after every change. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      // Write then rename: a crash mid-write leaves the old list, not half a file.
      writeFileSync(`${this.file}.tmp`, JSON.stringify({ version: 1, jobs: this.paths }, null, 2));
      renameSync(`${this.file}.tmp`, this.file);
    } catch {
      // Recents are a convenience; an unwritable userData keeps them for this session only.
    }
    for (const l of this.listeners) l();
  }
}

function readList(file: string): string[] {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { jobs?: unknown };
    if (!Array.isArray(data.jobs)) return [];
    const jobs = data.jobs.filter((p): p is string => typeof p === 'string' && isAbsolute(p));
    return [...new Set(jobs)].slice(0, MAX_RECENT_JOBS);
  } catch {
    return [];
  }
}
