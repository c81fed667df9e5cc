/** A path into parsed job data, as zod reports it: object keys and array indexes. */
export type DataPath = readonly PropertyKey[];

/** A 1-based line and column, as editors and `file:line:col` links count them. */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Paths deeper than this are not recorded: the deepest one an error points at is
 * `tasks[i].foreach.values[j]`, and a large `input` must not cost a map entry per value.
 */
export const MAX_RECORDED_DEPTH = 6;

/** Converts an offset into a 1-based line and column (UTF-16 code units, like the yaml package). */
export function lineColumnAt(text: string, offset: number): LineColumn {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Where each value and key of a job file starts, so that a schema or DAG problem found after
 * parsing can still point at a line and column. Filled in by the YAML and JSON readers.
 */
export class SourcePositions {
  readonly #text: string;
  readonly #values = new Map<string, number>();
  readonly #keys = new Map<string, number>();

  constructor(text: string) {
    this.#text = text;
  }

  /** Records where the value at `path` starts. */
  setValue(path: DataPath, offset: number): void {
    this.#values.set(pathKey(path), offset);
  }

  /** Records where the key `key` of the mapping at `path` starts. */
  setKey(path: DataPath, key: string, offset: number): void {
    this.#keys.set(pathKey([...path, key]), offset);
  }

  /** The position of the value at `path`, or of its nearest recorded ancestor (e.g. for a missing key). */
  value(path: DataPath): LineColumn | undefined {
    for (let n = Math.min(path.length, MAX_RECORDED_DEPTH); n >= 0; n--) {
      const offset = this.#values.get(pathKey(path.slice(0, n)));
      if (offset !== undefined) return lineColumnAt(this.#text, offset);
    }
    return undefined;
  }

  /** The position of a key of the mapping at `path` (e.g. an unknown key), else of the mapping itself. */
  key(path: DataPath, key: string): LineColumn | undefined {
    const offset = this.#keys.get(pathKey([...path, key]));
    return offset !== undefined ? lineColumnAt(this.#text, offset) : this.value(path);
  }
}

function pathKey(path: DataPath): string {
  return JSON.stringify(path.map((p) => (typeof p === 'number' ? p : String(p))));
}
