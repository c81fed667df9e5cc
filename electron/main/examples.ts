import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const MARKER = '.dproc-examples-version';

/** Where the bundled examples come from and where a packaged app keeps its own copy. */
export interface ExamplesSource {
  packaged: boolean;
  /** `electron .` / dev: the repository root (app.getAppPath()). */
  appPath: string;
  /** Packaged: process.resourcesPath, where electron-builder's extraResources put `examples/`. */
  resourcesPath: string;
  /** Packaged: userData; the copy lives in `<userData>/examples`. */
  userData: string;
  version: string;
}

/**
 * The examples folder the launcher lists. Unpackaged, it is the repository's `examples/`. Packaged, the
 * bundled examples are read-only (an AppImage is a read-only mount, Program Files is not writable) but
 * their jobs write `data/` next to themselves, so they are copied once per app version into userData.
 * Data already generated there is kept across updates.
 */
export function prepareExamplesDir(src: ExamplesSource): string {
  if (!src.packaged) return join(src.appPath, 'examples');
  const bundled = join(src.resourcesPath, 'examples');
  const target = join(src.userData, 'examples');
  const marker = join(target, MARKER);
  try {
    if (existsSync(marker) && readFileSync(marker, 'utf8') === src.version) return target;
    mkdirSync(target, { recursive: true });
    // Overwrite jobs and processors from this version; leave generated data (and anything else) alone.
    cpSync(bundled, target, { recursive: true, force: true, filter: (from) => !relative(bundled, from).split(sep).includes('data') });
    writeFileSync(marker, src.version);
    return target;
  } catch {
    // No writable userData: list the bundled examples; a job writing next to itself will say why it failed.
    return bundled;
  }
}
