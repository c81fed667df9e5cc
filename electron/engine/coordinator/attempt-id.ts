import { randomBytes } from 'node:crypto';

// 64 random bits per process, then a counter: unique across processes (a resumed run is another
// process), and each id costs ~0.04 µs and ~36 bytes. crypto.randomUUID() ids were built by string
// concatenation that V8 keeps as a tree of ~20 pieces (~480 bytes each, for as long as the snapshot keeps
// the id: 43 MB on a 100,000-task run), and randomBytes(16) per id took ~2 µs of the coordinator's thread.
const prefix = `${randomBytes(8).toString('hex')}-`;
let counter = 0;

/** A new attempt id, unique across processes: `<16 random hex digits>-<counter in base 36>`. */
export function newAttemptId(): string {
  counter += 1;
  return prefix + counter.toString(36);
}
