import type { DatabaseSync } from 'node:sqlite';
import { corruptStore } from './store-errors.ts';

/**
 * Schema steps; step i takes the database from user_version i to i + 1. Append only: a released step is
 * never edited, so every database reaches the same schema whatever version it starts from.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    key         INTEGER PRIMARY KEY,    -- what the other tables store: 8 bytes instead of the id per row
    run_id      TEXT NOT NULL UNIQUE,
    job_name    TEXT NOT NULL,
    job_file    TEXT NOT NULL,
    state       TEXT NOT NULL,
    counts      TEXT NOT NULL,          -- JSON Record<TaskState, number>, cached from the coordinator
    task_count  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    finished_at INTEGER,
    last_seq    INTEGER NOT NULL,       -- next event gets last_seq + 1: the gap-free counter
    owner_pid   INTEGER,
    owner_host  TEXT
  );
  CREATE INDEX runs_by_created ON runs (created_at);

  -- The journal. Clustered on (run_key, seq) so replaying a run is one range scan.
  CREATE TABLE events (
    run_key INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    type    TEXT NOT NULL,
    task_id TEXT,
    attempt INTEGER,                    -- set for task.log only: getLogs filters on it without parsing
    body    TEXT NOT NULL,              -- the event as JSON, without seq
    PRIMARY KEY (run_key, seq)
  ) WITHOUT ROWID;
  -- Logs are most of the rows of a chatty run; this partial index makes one task's lines a range scan.
  -- attempt rides along so an attempt filter is checked in the index before the row is read.
  CREATE INDEX events_logs ON events (run_key, task_id, seq, attempt) WHERE type = 'task.log';

  -- One current output per task (a retry replaces it). A rowid table: blobs can be large.
  CREATE TABLE outputs (
    run_key    INTEGER NOT NULL,
    task_id    TEXT NOT NULL,
    attempt_id TEXT NOT NULL,
    seq        INTEGER NOT NULL,        -- run's last seq in the append that stored it
    bytes      BLOB NOT NULL CHECK (typeof(bytes) = 'blob'),
    PRIMARY KEY (run_key, task_id)
  );
  `,
  // The owner's start time, so that a recycled pid is not taken for the owner (see store/liveness.ts).
  `ALTER TABLE runs ADD COLUMN owner_started INTEGER;`,
];

/** The schema version this build reads and writes, kept in PRAGMA user_version. */
export const SCHEMA_VERSION = MIGRATIONS.length;

const OUR_TABLES = new Set(['runs', 'events', 'outputs']);

/**
 * Brings the database to SCHEMA_VERSION inside one write transaction (so two processes opening a new
 * store at once cannot both migrate). Rewrites user_version even when current: that write is the probe
 * that reports a read-only file at open, not at the first append.
 */
export function migrate(db: DatabaseSync, path: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
    if (version > SCHEMA_VERSION) {
      throw corruptStore(path, `written by a newer dproc: schema version ${version}, this one knows ${SCHEMA_VERSION}`);
    }
    if (version === 0) {
      const foreign = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[])
        .map((r) => r.name)
        .filter((n) => !OUR_TABLES.has(n) && !n.startsWith('sqlite_'));
      if (foreign.length > 0) throw corruptStore(path, `an SQLite file of another program, with table "${foreign[0]}"`);
    }
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
