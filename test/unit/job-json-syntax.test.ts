import { describe, expect, it } from 'vitest';
import { scanJson } from '../../electron/engine/job/json-syntax.ts';
import { lineColumnAt, SourcePositions } from '../../electron/engine/job/source-positions.ts';

describe('scanJson', () => {
  it.each([
    ['{"a": x}', 6, 'unexpected "x"; expected a value'],
    ['{"a": tru}', 6, 'unexpected "tru"; expected a value'],
    ['[1,2,,3]', 5, 'unexpected ","; expected a value'],
    ['{"a": 1,}', 8, 'trailing comma before "}"'],
    ['[1,]', 3, 'trailing comma before "]"'],
    ['{"a" 1}', 5, 'unexpected "1"; expected ":" after a property name'],
    ['{"a": 1', 7, 'unexpected end of input; expected "," or "}" after a property value'],
    ['{a: 1}', 1, 'unexpected "a"; expected a property name in double quotes'],
    ["{\"a\": 'x'}", 6, 'unexpected "\'"; JSON strings use double quotes'],
    ['{"a": "x\ny"}', 8, 'control character (such as a line break) inside a string'],
    ['{"a": "\\q"}', 7, 'bad escape "\\q"'],
    ['{"a": "\\u12"}', 7, 'bad \\u escape'],
    ['{"a": "open', 6, 'unterminated string'],
    ['{"a": 01}', 7, 'bad number: unexpected "1"'],
    ['{"a": -}', 6, 'bad number starting with "-"'],
    ['{"a": 1.}', 7, 'bad number: unexpected "."'],
    ['{} x', 3, 'unexpected "x" after the end of the JSON value'],
    ['{"a": 1, "a": 2}', 9, 'duplicate key "a"'],
    ['', 0, 'unexpected end of input; expected a value'],
  ])('finds the first problem in %j at offset %i', (text, offset, message) => {
    expect(scanJson(text)).toEqual({ offset, message });
  });

  it('refuses nesting deeper than 512 levels instead of overflowing the stack', () => {
    expect(scanJson('['.repeat(100_000))).toEqual({ offset: 513, message: 'nesting deeper than 512 levels' });
  });

  it.each([
    '{}',
    '[]',
    ' \t\r\n{"a" : [ 1 , -0.5e+3 , 2E-2 , 0 ] , "b" : { "c" : null , "d" : true , "e" : false } } \n',
    '"\\u00e9\\n\\"\\\\\\/"',
    '-0',
    '{"__proto__": 1, "constructor": 2}',
    '{"a": {"a": 1}}',
  ])('accepts %j, which JSON.parse accepts', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(scanJson(text)).toBeNull();
  });

  it('records where each value and key starts, for schema errors found later', () => {
    const text = '{\n  "tasks": [\n    {"id": "a", "retries": "two"}\n  ]\n}';
    const positions = new SourcePositions(text);
    expect(scanJson(text, positions)).toBeNull();
    expect(positions.value(['tasks', 0, 'retries'])).toEqual({ line: 3, column: 28 });
    expect(positions.key(['tasks', 0], 'retries')).toEqual({ line: 3, column: 17 });
    // A missing key points at the nearest value that exists: the task itself.
    expect(positions.value(['tasks', 0, 'processor'])).toEqual({ line: 3, column: 5 });
  });
});

describe('lineColumnAt', () => {
  it('counts lines and columns from 1, with CRLF line ends', () => {
    expect(lineColumnAt('ab\r\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt('ab\r\ncd', 5)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt('ab\n', 3)).toEqual({ line: 2, column: 1 });
  });
});
