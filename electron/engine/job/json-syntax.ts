import { MAX_RECORDED_DEPTH, type SourcePositions } from './source-positions.ts';

/** The first syntax problem in a JSON text: where it is and what was expected there. */
export interface JsonProblem {
  offset: number;
  message: string;
}

/** Deeper nesting than this is refused rather than risking a stack overflow in the recursive scan. */
const MAX_DEPTH = 512;

/**
 * Checks `text` against the JSON grammar and records where values and keys start.
 * Exists because V8's JSON.parse does not always say where a syntax error is
 * ("Unexpected token 'x', ... is not valid JSON" has no position), and because it silently
 * keeps the last of two duplicate keys where a job file should be told about them.
 * Returns null when the text is valid; the value itself is then built by JSON.parse.
 */
export function scanJson(text: string, positions?: SourcePositions): JsonProblem | null {
  const scanner = new JsonScanner(text, positions);
  try {
    scanner.skipSpace();
    scanner.value([], 0);
    scanner.skipSpace();
    if (scanner.pos < text.length) scanner.fail(`unexpected ${scanner.describeHere()} after the end of the JSON value`);
    return null;
  } catch (err) {
    if (err instanceof JsonScanError) return { offset: err.offset, message: err.message };
    throw err;
  }
}

class JsonScanError extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

class JsonScanner {
  readonly text: string;
  readonly positions: SourcePositions | undefined;
  pos = 0;

  constructor(text: string, positions: SourcePositions | undefined) {
    this.text = text;
    this.positions = positions;
  }

  fail(message: string, offset = this.pos): never {
    throw new JsonScanError(offset, message);
  }

  describeHere(): string {
    if (this.pos >= this.text.length) return 'end of input';
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos, this.pos + 40));
    return word ? `"${word[0]}"` : JSON.stringify(this.text[this.pos]);
  }

  skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      this.pos++;
    }
  }

  value(path: PropertyKey[], depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    if (depth <= MAX_RECORDED_DEPTH) this.positions?.setValue(path, this.pos);
    const c = this.text[this.pos];
    if (c === '{') return this.object(path, depth);
    if (c === '[') return this.array(path, depth);
    if (c === '"') return void this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    if (c === "'") this.fail('unexpected "\'"; JSON strings use double quotes');
    this.fail(`unexpected ${this.describeHere()}; expected a value`);
  }

  object(path: PropertyKey[], depth: number): void {
    this.pos++; // {
    const seen = new Set<string>();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') {
        this.fail(`unexpected ${this.describeHere()}; expected a property name in double quotes`);
      }
      const keyStart = this.pos;
      const key = this.string();
      if (seen.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyStart);
      seen.add(key);
      if (depth <= MAX_RECORDED_DEPTH) this.positions?.setKey(path, key, keyStart);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`unexpected ${this.describeHere()}; expected ":" after a property name`);
      this.pos++;
      this.skipSpace();
      this.value([...path, key], depth + 1);
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail(`unexpected ${this.describeHere()}; expected "," or "}" after a property value`);
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === '}') this.fail('trailing comma before "}"');
    }
  }

  array(path: PropertyKey[], depth: number): void {
    this.pos++; // [
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value([...path, index], depth + 1);
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ']') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail(`unexpected ${this.describeHere()}; expected "," or "]" after a list item`);
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === ']') this.fail('trailing comma before "]"');
    }
  }

  /** Scans a string token and returns its value (decoded by JSON.parse, which is exact). */
  string(): string {
    const start = this.pos++;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string', start);
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x22) break; // "
      if (c < 0x20) this.fail('control character (such as a line break) inside a string');
      if (c === 0x5c) {
        const e = this.text[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail('bad \\u escape');
          this.pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail(`bad escape "\\${e ?? ''}"`);
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) this.fail(`bad number starting with ${this.describeHere()}`);
    this.pos += match[0].length;
    const next = this.text[this.pos];
    if (next !== undefined && /[0-9A-Za-z.]/.test(next)) this.fail(`bad number: unexpected ${JSON.stringify(next)}`);
  }
}
