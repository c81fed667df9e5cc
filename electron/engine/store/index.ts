/** The run store: SQLite journal of runs, their outputs and logs. */
export { RunStore, DB_FILE_NAME } from './run-store.ts';
export { resolveDataDir, type DataDirOptions } from './data-dir.ts';
export { isOwnerAlive, currentOwner } from './liveness.ts';
export { SCHEMA_VERSION } from './schema.ts';
export type * from './types.ts';
