import { existsSync } from 'node:fs';
import { sep } from 'node:path';

const IN_ASAR = `${sep}app.asar${sep}`;
const UNPACKED = `${sep}app.asar.unpacked${sep}`;

/**
 * The real-file twin of a path inside app.asar, when electron-builder unpacked it (asarUnpack); else the
 * path itself. Worker threads and forked children start from these files, so they must be plain files.
 */
export function unpackedPath(path: string, exists: (p: string) => boolean = existsSync): string {
  if (!path.includes(IN_ASAR)) return path;
  const candidate = path.replace(IN_ASAR, UNPACKED);
  return exists(candidate) ? candidate : path;
}
