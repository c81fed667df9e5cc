import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** A row of the runs table, as node:sqlite returns it. */
export interface RunRow {
  key: number;
  run_id: string;
  job_name: string;
  job_file: string;
  state: string;
  counts: string;
  task_count: number;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  last_seq: number;
  owner_pid: number | null;
  owner_host: string | null;
  owner_started: number | null;
}

/** The part of a run row that every write reads: the seq counter and the owner. */
export type HeadRow = Pick<RunRow, 'key' | 'last_seq' | 'owner_pid' | 'owner_host' | 'owner_started'>;

/** A journal row: enough to rebuild the event. */
export interface EventRow {
  seq: number;
  body: string;
}

// Readers address a run by its id; the subquery turns it into the integer key the rows carry.
const KEY_OF = '(SELECT key FROM runs WHERE run_id = ?)';

/** Every statement of the store, by name (exported so tests can check SQLite's query plans). */
export const SQL = {
  insertRun: `INSERT INTO runs (run_id, job_name, job_file, state, counts, task_count, created_at, updated_at, last_seq)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertEvent: 'INSERT INTO events (run_key, seq, type, task_id, attempt, body) VALUES (?, ?, ?, ?, ?, ?)',
  upsertOutput: `INSERT INTO outputs (run_key, task_id, attempt_id, seq, bytes) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (run_key, task_id) DO UPDATE
                 SET attempt_id = excluded.attempt_id, seq = excluded.seq, bytes = excluded.bytes`,
  touchRun: 'UPDATE runs SET last_seq = ?, updated_at = ? WHERE key = ?',
  summarizeRun: `UPDATE runs SET last_seq = ?, updated_at = ?, state = ?, counts = ?, finished_at = ?
                 WHERE key = ?`,
  setOwner: 'UPDATE runs SET owner_pid = ?, owner_host = ?, owner_started = ? WHERE key = ?',
  selectHead: 'SELECT key, last_seq, owner_pid, owner_host, owner_started FROM runs WHERE run_id = ?',
  selectRun: 'SELECT * FROM runs WHERE run_id = ?',
  hasRun: 'SELECT 1 AS found FROM runs WHERE run_id = ?',
  listRuns: 'SELECT * FROM runs ORDER BY created_at DESC, key DESC LIMIT ?',
  selectEvents: `SELECT seq, body FROM events WHERE run_key = ${KEY_OF} AND seq > ? ORDER BY seq`,
  selectOutput: `SELECT bytes FROM outputs WHERE run_key = ${KEY_OF} AND task_id = ?`,
  deleteOutput: 'DELETE FROM outputs WHERE run_key = ? AND task_id = ?',
  // One statement for any number of ids: the ids travel as a JSON array.
  selectOutputs: `SELECT task_id, bytes FROM outputs
                  WHERE run_key = ${KEY_OF} AND task_id IN (SELECT value FROM json_each(?))`,
  // INDEXED BY: without statistics the planner prefers walking the whole run by primary key (it likes
  // that ORDER BY seq comes free); the partial index needs `type = 'task.log'` spelled out to apply.
  selectLogs: `SELECT seq, attempt, body FROM events INDEXED BY events_logs
               WHERE run_key = ${KEY_OF} AND task_id = ? AND type = 'task.log' AND seq > ?
               ORDER BY seq LIMIT ?`,
  selectLogsOfAttempt: `SELECT seq, attempt, body FROM events INDEXED BY events_logs
                        WHERE run_key = ${KEY_OF} AND task_id = ? AND type = 'task.log' AND seq > ? AND attempt = ?
                        ORDER BY seq LIMIT ?`,
} as const;

/** Every statement the store runs, prepared once per connection (re-preparing per call costs most of an append). */
export type Statements = Record<keyof typeof SQL, StatementSync>;

/** Prepares all statements on an open, migrated database. */
export function prepareStatements(db: DatabaseSync): Statements {
  const out = {} as Statements;
  for (const [name, sql] of Object.entries(SQL)) out[name as keyof typeof SQL] = db.prepare(sql);
  return out;
}
