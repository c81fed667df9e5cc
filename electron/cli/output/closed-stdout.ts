/**
 * Lets the CLI outlive a reader that goes away (`dproc run JOB | head`): once stdout's pipe is closed
 * (EPIPE), what it would print is dropped, and the command carries on. A run then still finishes and is
 * recorded, and its exit code still says how it ended; without this, the unhandled 'error' event killed
 * the process mid-run and left the run INTERRUPTED.
 */
export function tolerateClosedStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    // Writes after this are no-ops instead of more errors.
    stream.write = (() => true) as typeof stream.write;
  });
}
