import { parse } from 'acorn';
import { INSTANCE_FACTORY_MARK } from './instance-query.ts';

// A pooled thread must give every attempt a fresh instance of its processor module (module-level state
// starts clean) without paying for a new ES module per attempt: creating, linking and evaluating one
// cost ~60 µs of a ~100 µs no-op attempt here, and V8 never frees it. So the processor's source is
// rewritten, once per thread, into a module whose default export is a factory that runs the original
// module body and returns its default export. Each call re-runs the body in a new scope: fresh `let`,
// `const`, `var`, functions and classes, as a fresh module instance would have. Import declarations are
// hoisted out of the factory (ESM hoists them anyway), so imported modules are shared, exactly as with
// a fresh import. Lines are kept where they were, so stack traces point at the processor's own lines.

/** Name of the binding the factory stores the processor's default export in. */
const DEFAULT_BINDING = '__dprocDefault';

/** What the rewrite needs of an acorn node. */
interface Node {
  type: string;
  start: number;
  end: number;
}
interface Named extends Node {
  name?: string;
  value?: unknown;
}
interface Statement extends Node {
  declaration?: (Node & { id?: Named | null }) | null;
  source?: Node | null;
  exported?: Named | null;
  specifiers?: { local: Named; exported: Named }[];
}

/** One replacement of source[start, end) by text. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Spaces for every character of `text` except line breaks, so lines and columns after it do not move. */
function blank(text: string): string {
  return text.replace(/[^\r\n\u2028\u2029]/g, ' ');
}

function exportedName(node: Named): string | undefined {
  return node.type === 'Identifier' ? node.name : typeof node.value === 'string' ? node.value : undefined;
}

/**
 * Rewrites an ES module's source into `export default async function () { <body>; return <its default
 * export> }` with its imports and re-exports hoisted out, or returns null when the module cannot be
 * rewritten faithfully (it does not parse, or its default export is re-exported from another module):
 * the caller then imports it the slow way. Only the default export survives; a processor has no other.
 */
export function toInstanceFactory(source: string): string | null {
  let body: Statement[];
  try {
    body = (parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true }) as unknown as { body: Statement[] }).body;
  } catch {
    return null;
  }
  const edits: Edit[] = [];
  const hoisted: string[] = [];
  let defaultLocal: string | undefined;
  let assignsDefault = false;

  const hoist = (stmt: Statement): void => {
    hoisted.push(source.slice(stmt.start, stmt.end));
    edits.push({ start: stmt.start, end: stmt.end, text: blank(source.slice(stmt.start, stmt.end)) });
  };

  for (const stmt of body) {
    switch (stmt.type) {
      case 'ImportDeclaration':
        hoist(stmt);
        break;
      case 'ExportAllDeclaration':
        if (stmt.exported && exportedName(stmt.exported) === 'default') return null;
        hoist(stmt);
        break;
      case 'ExportNamedDeclaration':
        if (stmt.source) {
          if (stmt.specifiers?.some((s) => exportedName(s.exported) === 'default')) return null;
          hoist(stmt);
        } else if (stmt.declaration) {
          // `export const x = …` → `       const x = …`
          edits.push({ start: stmt.start, end: stmt.declaration.start, text: blank(source.slice(stmt.start, stmt.declaration.start)) });
        } else {
          for (const s of stmt.specifiers ?? []) {
            if (exportedName(s.exported) === 'default') defaultLocal = s.local.name;
          }
          edits.push({ start: stmt.start, end: stmt.end, text: blank(source.slice(stmt.start, stmt.end)) });
        }
        break;
      case 'ExportDefaultDeclaration': {
        const decl = stmt.declaration!;
        const keyword = source.slice(stmt.start, decl.start);
        if ((decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration') && decl.id?.name) {
          // `export default function main() {}` stays a hoisted declaration.
          defaultLocal = decl.id.name;
          edits.push({ start: stmt.start, end: decl.start, text: blank(keyword) });
        } else {
          // An expression, or an anonymous function/class: assigned where it stood, then terminated, so
          // a following line that starts with `(` or `[` is not read as a call on it.
          assignsDefault = true;
          const assign = `${DEFAULT_BINDING}=`;
          edits.push({ start: stmt.start, end: decl.start, text: assign.length <= keyword.length ? assign.padEnd(keyword.length) : assign });
          if (source[stmt.end - 1] !== ';') edits.push({ start: stmt.end, end: stmt.end, text: ';' });
        }
        break;
      }
    }
  }
  if (defaultLocal === undefined && !assignsDefault) return null;

  let out = '';
  let at = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    out += source.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  out += source.slice(at);
  if (out.startsWith('#!')) out = blank(out.slice(0, out.search(/\r?\n|$/))) + out.slice(out.search(/\r?\n|$/));
  const result = defaultLocal ?? DEFAULT_BINDING;
  // The prologue shares line 1 with the body, so every other line keeps its number.
  return (
    `export default async function dprocProcessorInstance() { let ${DEFAULT_BINDING};` +
    out +
    `\n;return ${result};\n}\n` +
    `export const ${INSTANCE_FACTORY_MARK} = true;\n` +
    hoisted.join('\n') +
    '\n'
  );
}
