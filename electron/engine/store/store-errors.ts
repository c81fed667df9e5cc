import { DprocError, ERROR_CODES } from '../../../shared/errors.ts';

// SQLite primary result codes (extended codes carry them in the low byte).
const SQLITE_PERM = 3;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

// File-system errors from creating the data directory, in words.
const FS_REASONS: Record<string, string> = {
  EEXIST: 'a file is in the way of the data directory',
  ENOTDIR: 'a file is in the way of the data directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  // A folder the kernel will not create (under /proc, say), its parent being there.
  ENOENT: 'this folder cannot be created here',
};

/** A store that is not a dproc database: garbage bytes, another program's SQLite file, or a newer schema. */
export function corruptStore(path: string, detail = 'file is corrupt or not SQLite'): DprocError {
  return new DprocError(ERROR_CODES.STORE_CORRUPT, `The run store is not a dproc database (${detail}): ${path}`, { file: path });
}

/** A store file or data directory this process cannot write. */
export function unwritableStore(path: string, reason: string): DprocError {
  return new DprocError(ERROR_CODES.STORE_UNWRITABLE, `The run store cannot be written (${reason}): ${path}`, { file: path });
}

/** A store another connection kept locked for longer than the busy timeout. */
export function lockedStore(path: string, waitedMs: number): DprocError {
  return new DprocError(
    ERROR_CODES.STORE_LOCKED,
    `The run store is locked by another process (waited ${waitedMs} ms): ${path}`,
    { file: path },
  );
}

/**
 * Turns a node:sqlite or fs error into the DprocError a user can act on, naming the file.
 * Anything else (constraint violations, bad bindings: bugs) is returned unchanged.
 */
export function translateStoreError(err: unknown, path: string, busyTimeoutMs: number): unknown {
  if (err instanceof DprocError || !err || typeof err !== 'object') return err;
  const e = err as { code?: unknown; errcode?: unknown; errstr?: unknown; message?: unknown };
  if (e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') {
    const reason = typeof e.errstr === 'string' ? e.errstr : String(e.message);
    switch (e.errcode & 0xff) {
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return corruptStore(path);
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return lockedStore(path, busyTimeoutMs);
      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_CANTOPEN:
      case SQLITE_FULL:
        return unwritableStore(path, reason);
    }
    return err;
  }
  const fsReason = typeof e.code === 'string' ? FS_REASONS[e.code] : undefined;
  return fsReason ? unwritableStore(path, fsReason) : err;
}
