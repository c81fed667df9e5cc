// The CLI's big outputs (a 100,000-task run's report is ~30 MB of JSON, its summary a line per task),
// written in pieces of ~64 KB rather than as one string (and then one buffer for the pipe).

/** Pieces are written once they reach this many characters. */
const CHUNK = 64 * 1024;
/** Arrays and objects with more entries than this are written entry by entry. */
const STREAM_FROM = 64;

/** Writes each line and a newline, in pieces. */
export function writeLines(lines: Iterable<string>, write: (text: string) => void): void {
  let pending = '';
  for (const line of lines) {
    pending += `${line}\n`;
    if (pending.length >= CHUNK) {
      write(pending);
      pending = '';
    }
  }
  if (pending) write(pending);
}

/**
 * Writes `JSON.stringify(value, null, 2)` and a newline, the same text, in pieces (as one string, a
 * 100,000-task run's report raised the peak RSS of `dproc run --json` by ~100 MB). Values must be plain
 * data, as the run report is.
 */
export function writeJson(value: unknown, write: (text: string) => void): void {
  let pending = '';
  const out = (text: string): void => {
    pending += text;
    if (pending.length >= CHUNK) {
      write(pending);
      pending = '';
    }
  };
  writeValue(value, '', out);
  write(`${pending}\n`);
}

function writeValue(value: unknown, indent: string, out: (text: string) => void): void {
  const entries = bigEntries(value);
  if (!entries) {
    // Small, or not a container: as JSON.stringify indents it, shifted to this depth.
    out((JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`));
    return;
  }
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const inner = `${indent}  `;
  out(`${open}\n`);
  entries.forEach(([key, item], i) => {
    out(key === undefined ? inner : `${inner}${JSON.stringify(key)}: `);
    writeValue(item, inner, out);
    out(i < entries.length - 1 ? ',\n' : '\n');
  });
  out(`${indent}${close}`);
}

/**
 * The entries of an array or plain object worth writing one by one (it is big, or holds something big),
 * as JSON.stringify would list them; undefined for anything written whole.
 */
function bigEntries(value: unknown): [string | undefined, unknown][] | undefined {
  if (Array.isArray(value)) {
    if (value.length <= STREAM_FROM && !value.some((item) => bigEntries(item))) return undefined;
    // In an array, what JSON cannot hold is written as null.
    return value.map((item) => [undefined, jsonable(item) ? item : null]);
  }
  if (!isPlainObject(value)) return undefined;
  // In an object, such a property is left out.
  const entries = Object.entries(value).filter(([, v]) => jsonable(v));
  return entries.length > STREAM_FROM || entries.some(([, v]) => bigEntries(v)) ? entries : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || 'toJSON' in value) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function jsonable(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}
