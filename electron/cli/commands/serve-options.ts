import { InvalidArgumentError } from 'commander';

/** The parsed flags of `dproc serve`. */
export interface ServeCommandOptions {
  host: string;
  port: number;
  dataDir?: string;
  workspace?: string;
  /** Open a browser at the URL (commander turns `--no-open` into false). */
  open: boolean;
}

/** Parses `--port`: 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free one)');
  return n;
}
