import { extname } from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { DprocError, ERROR_CODES } from '../../../shared/errors.ts';
import { problemError } from './job-problem.ts';
import { scanJson } from './json-syntax.ts';
import { lineColumnAt, MAX_RECORDED_DEPTH, SourcePositions } from './source-positions.ts';

/** The two syntaxes a job file may be written in. */
export type JobFileFormat = 'yaml' | 'json';

/** Parsed but not yet validated job data, with where each value came from. */
export interface ParsedJobText {
  data: unknown;
  positions: SourcePositions;
}

/** The format a job file is read as, chosen by its extension (case-insensitive); null when unsupported. */
export function jobFileFormat(file: string): JobFileFormat | null {
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  return null;
}

/**
 * Parses job-file text. Syntax errors throw DPROC_E_JOB_SYNTAX with `<file>:<line>:<col>: ...` in the
 * message and line/column in `location`; an empty file throws DPROC_E_JOB_SCHEMA.
 * `file` is only used in messages.
 */
export function parseJobText(text: string, file: string, format: JobFileFormat): ParsedJobText {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // editors on Windows add a BOM; JSON.parse rejects it
  const positions = new SourcePositions(text);
  const data = format === 'json' ? parseJson(text, file, positions) : parseYaml(text, file, positions);
  if (data === null || data === undefined) {
    throw problemError(ERROR_CODES.JOB_SCHEMA, file, {
      text: 'the job file is empty; expected a mapping with "name" and "tasks"',
      at: { line: 1, column: 1 },
    });
  }
  return { data, positions };
}

function syntaxError(file: string, kind: string, text: string, offset: number, message: string): DprocError {
  const { line, column } = lineColumnAt(text, offset);
  const oneLine = message.replace(/\s+/g, ' ').trim();
  return new DprocError(ERROR_CODES.JOB_SYNTAX, `${file}:${line}:${column}: ${kind} syntax error: ${oneLine}`, {
    file,
    line,
    column,
  });
}

function parseJson(text: string, file: string, positions: SourcePositions): unknown {
  if (text.trim() === '') return null;
  const problem = scanJson(text, positions);
  if (problem) throw syntaxError(file, 'JSON', text, problem.offset, problem.message);
  return JSON.parse(text) as unknown;
}

function parseYaml(text: string, file: string, positions: SourcePositions): unknown {
  // YAML 1.2 core schema (the package default): `yes`/`no` stay strings, no implicit dates.
  const doc = parseDocument(text, { prettyErrors: false });
  // Only the first error: after one, the yaml package's recovery mostly reports echoes of it.
  const first = doc.errors[0];
  if (first) throw syntaxError(file, 'YAML', text, first.pos[0], yamlMessage(first.code, first.message, text, first.pos[0]));
  if (doc.contents === null) return null;
  recordYamlPositions(doc.contents, [], positions);
  try {
    return doc.toJS() as unknown;
  } catch (err) {
    // toJS refuses alias bombs ("Excessive alias count"); that is a problem with the text, not the schema.
    throw syntaxError(file, 'YAML', text, 0, err instanceof Error ? err.message : String(err));
  }
}

/** Rewords the yaml package's messages that point at its own API or leave out the key. */
function yamlMessage(code: string, message: string, text: string, offset: number): string {
  if (code === 'MULTIPLE_DOCS') return 'a job file holds one YAML document, but a second one starts here';
  if (code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(offset))?.[0].trim();
    return key ? `duplicate key ${JSON.stringify(key.replace(/^["']|["']$/g, ''))}` : 'duplicate key';
  }
  return message;
}

function recordYamlPositions(node: unknown, path: PropertyKey[], positions: SourcePositions): void {
  if (path.length > MAX_RECORDED_DEPTH) return;
  const range = (node as YamlNode | null)?.range;
  if (range) positions.setValue(path, range[0]);
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (pair.key.range) positions.setKey(path, key, pair.key.range[0]);
      recordYamlPositions(pair.value, [...path, key], positions);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => recordYamlPositions(item, [...path, index], positions));
  }
}
