import type { Readable } from 'node:stream';

/** Longest partial line kept while waiting for its newline; a runaway line is cut here. */
const MAX_PENDING_CHARS = 64 * 1024;

/** Calls `onLine` for each line of a text stream (the last unterminated line included at its end). */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (pending.length > MAX_PENDING_CHARS) {
      onLine(pending);
      pending = '';
    }
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
  // A pipe error only means the child is gone; its exit is reported separately.
  stream.on('error', () => {});
}
