import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_FILE_NAME, RunStore } from '../../electron/engine/store/run-store.ts';
import { SCHEMA_VERSION } from '../../electron/engine/store/schema.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dproc-store-err-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Opening must fail with this code and a message that names `path`. */
function expectOpenError(dataDir: string, code: string, path: string, opts?: { busyTimeoutMs?: number }) {
  let caught: unknown;
  try {
    RunStore.open(dataDir, opts).close();
  } catch (err) {
    caught = err;
  }
  expect(caught).toMatchObject({ name: 'DprocError', code });
  expect((caught as Error).message).toContain(path);
  return caught as Error;
}

/** chattr +i works on this file system (tests run as root, so chmod alone would not stop a write). */
function canMakeImmutable(): boolean {
  const probe = join(tmpdir(), `dproc-chattr-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    execFileSync('chattr', ['+i', probe], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { force: true });
  }
}
const chattr = canMakeImmutable();

function withImmutable(path: string, fn: () => void): void {
  execFileSync('chattr', ['+i', path]);
  try {
    fn();
  } finally {
    execFileSync('chattr', ['-i', path]);
  }
}

describe('RunStore.open on a corrupt store', () => {
  it('rejects a file of garbage bytes as DPROC_E_STORE_CORRUPT naming the file', () => {
    const file = join(dir, DB_FILE_NAME);
    writeFileSync(file, Buffer.alloc(8192, 'this is not sqlite '));
    const err = expectOpenError(dir, 'DPROC_E_STORE_CORRUPT', file);
    expect(err.message).toBe(`The run store is not a dproc database (file is corrupt or not SQLite): ${file}`);
  });

  it('rejects another program\'s SQLite database instead of adding tables to it', () => {
    const file = join(dir, DB_FILE_NAME);
    const other = new DatabaseSync(file);
    other.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    other.close();
    const err = expectOpenError(dir, 'DPROC_E_STORE_CORRUPT', file);
    expect(err.message).toContain('photos');
  });

  it('rejects a store written by a newer dproc instead of misreading it', () => {
    RunStore.open(dir).close();
    const file = join(dir, DB_FILE_NAME);
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(expectOpenError(dir, 'DPROC_E_STORE_CORRUPT', file).message).toContain('newer dproc');
  });
});

describe('RunStore.open where it cannot write', () => {
  it('fails with DPROC_E_STORE_UNWRITABLE when the data directory is a regular file', () => {
    const notADir = join(dir, 'data');
    writeFileSync(notADir, 'x');
    expectOpenError(notADir, 'DPROC_E_STORE_UNWRITABLE', notADir);
    expectOpenError(join(notADir, 'below'), 'DPROC_E_STORE_UNWRITABLE', join(notADir, 'below'));
  });

  it('fails with DPROC_E_STORE_UNWRITABLE, not a hang, where the kernel refuses to create the folder (/proc)', () => {
    // Node's recursive mkdirSync retries this forever; the store creates its folders one by one.
    expectOpenError('/proc/dproc-nope/data', 'DPROC_E_STORE_UNWRITABLE', '/proc/dproc-nope/data');
  });

  it('fails with DPROC_E_STORE_UNWRITABLE when dproc.db is a directory', () => {
    mkdirSync(join(dir, DB_FILE_NAME));
    expectOpenError(dir, 'DPROC_E_STORE_UNWRITABLE', join(dir, DB_FILE_NAME));
  });

  it.skipIf(!chattr)('fails with DPROC_E_STORE_UNWRITABLE on an immutable store file, at open, not at the first append', () => {
    RunStore.open(dir).close();
    const file = join(dir, DB_FILE_NAME);
    withImmutable(file, () => {
      expectOpenError(dir, 'DPROC_E_STORE_UNWRITABLE', file);
    });
  });

  it.skipIf(!chattr)('fails with DPROC_E_STORE_UNWRITABLE in an immutable data directory', () => {
    withImmutable(dir, () => {
      expectOpenError(dir, 'DPROC_E_STORE_UNWRITABLE', join(dir, DB_FILE_NAME));
    });
  });
});

describe('RunStore on a locked store', () => {
  it('gives up opening after the busy timeout with DPROC_E_STORE_LOCKED naming the file', () => {
    RunStore.open(dir).close();
    const file = join(dir, DB_FILE_NAME);
    // An exclusive lock that even WAL readers must respect: exclusive locking mode plus a write transaction.
    const holder = new DatabaseSync(file);
    holder.exec("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; UPDATE runs SET state = state WHERE 0");
    try {
      const t0 = Date.now();
      const err = expectOpenError(dir, 'DPROC_E_STORE_LOCKED', file, { busyTimeoutMs: 300 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250); // it waited, then gave up
      expect(err.message).toContain('300 ms');
    } finally {
      holder.close();
    }
    RunStore.open(dir).close(); // and works again once the lock is gone
  });

  it('fails an append with DPROC_E_STORE_LOCKED while another connection holds the write lock, and commits nothing', () => {
    const store = RunStore.open(dir, { busyTimeoutMs: 200 });
    try {
      store.createRun({
        type: 'run.created', at: 1, runId: 'r1', plan: { name: 'j', file: '/j.yaml', tasks: [] }, options: { concurrency: 1, onFailure: 'fail' },
      });
      const writer = new DatabaseSync(store.path);
      writer.exec('BEGIN IMMEDIATE');
      try {
        expect(() => store.append('r1', [{ type: 'run.state', at: 2, state: 'COMPLETE' }])).toThrow(
          expect.objectContaining({ code: 'DPROC_E_STORE_LOCKED', message: expect.stringContaining(store.path) }),
        );
      } finally {
        writer.exec('ROLLBACK');
        writer.close();
      }
      expect(store.readEvents('r1')).toHaveLength(1);
      expect(store.append('r1', [{ type: 'run.state', at: 2, state: 'COMPLETE' }])[0].seq).toBe(2);
    } finally {
      store.close();
    }
  });
});
