import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Where the run store lives, given the explicit flag and the environment. */
export interface DataDirOptions {
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * `dataDir`, else `$DPROC_DATA_DIR`, else `$XDG_DATA_HOME/dproc`, else `~/.local/share/dproc`.
 * Empty values count as unset; a relative XDG_DATA_HOME is ignored, as the XDG spec requires.
 */
export function resolveDataDir(opts: DataDirOptions = {}): string {
  const env = opts.env ?? process.env;
  if (opts.dataDir) return resolve(opts.dataDir);
  if (env.DPROC_DATA_DIR) return resolve(env.DPROC_DATA_DIR);
  const xdg = env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'dproc');
  return join(env.HOME || homedir(), '.local', 'share', 'dproc');
}
