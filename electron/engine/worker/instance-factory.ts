import { parse } from 'acorn';
import { quote } from './builtins.ts';
import { INSTANCE_FACTORY_MARK } from './instance-query.ts';

// A reused worker must give every attempt fresh instances of the processor's own modules (module-level
// state starts clean) without paying for new ES modules per attempt: creating, linking and evaluating one
// cost ~60 µs of a ~100 µs no-op attempt here, V8 never frees it, and its functions start cold (no JIT
// feedback), which cost a 20 ms region 20-40 ms more. So each local module's source is rewritten, once
// per worker, into a module whose default export is a factory: it runs the original module body and
// returns the module's namespace. Each call re-runs the body in a new scope (fresh `let`, `const`, `var`,
// functions and classes, as a fresh module instance would have), while the functions keep their JIT
// feedback, which V8 keeps per function literal.
// - Imports of packages and built-ins are hoisted out of the factory (ESM hoists them anyway): shared,
//   exactly as with a fresh import.
// - Imports of local files (`./x.mjs`, `../y.ts`, `/abs.js`, `file:`) become `await __dprocLocal('./x.mjs')`
//   where the import stood: the loader hands the factory a function that instantiates the local module
//   for this attempt (once per attempt, however many modules import it). Bindings are read when the
//   import runs: a `let` a local module exports and changes later is seen with its first value.
// Lines are kept where they were, so stack traces point at the module's own lines.

/** Name of the binding the factory stores the module's default export in. */
const DEFAULT_BINDING = '__dprocDefault';
/** Name of the factory's parameter: instantiates a local module (by specifier) for this attempt. */
const LOCAL_IMPORT = '__dprocLocal';

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
interface Specifier extends Node {
  local: Named;
  exported: Named;
  imported?: Named;
}
interface Declarator extends Node {
  id: Named;
}
interface Statement extends Node {
  declaration?: (Node & { id?: Named | null; declarations?: Declarator[] }) | null;
  source?: Named | null;
  exported?: Named | null;
  specifiers?: Specifier[];
  attributes?: unknown[];
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

/** A specifier that names a file by path: the user's own module, instantiated per attempt. */
export function isLocalSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
}

/** The text that replaces a statement, padded so that it ends on the line the statement ended on. */
function inPlace(original: string, text: string): string {
  const lines = original.split('\n').length - 1;
  return text + '\n'.repeat(lines) + (lines === 0 ? ' '.repeat(original.length > text.length ? original.length - text.length : 0) : '');
}

/** `{ default: d, a: b }` for the import specifiers of a local import; null for `* as ns` (the namespace itself). */
function destructure(specifiers: Specifier[]): string | null {
  const parts: string[] = [];
  for (const s of specifiers) {
    if (s.type === 'ImportNamespaceSpecifier') return null;
    const imported = s.type === 'ImportDefaultSpecifier' ? 'default' : exportedName(s.imported!)!;
    parts.push(`${quote(imported)}: ${s.local.name}`);
  }
  return `{ ${parts.join(', ')} }`;
}

/**
 * Rewrites an ES module's source into `export default async function (__dprocLocal) { <body>; return
 * <its namespace> }` with its package imports hoisted out and its local imports turned into calls of
 * __dprocLocal, or returns null when the module cannot be rewritten faithfully (it does not parse, it has
 * `export * from`, a local import with attributes, or a destructuring export): the caller then imports
 * it the slow way (a new module URL per attempt).
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
  /** Exported name → the local binding that holds it. */
  const exports = new Map<string, string>();
  let reexports = 0;

  const replace = (stmt: Node, text: string): void => {
    edits.push({ start: stmt.start, end: stmt.end, text: inPlace(source.slice(stmt.start, stmt.end), text) });
  };
  const hoist = (stmt: Node, text = source.slice(stmt.start, stmt.end)): void => {
    hoisted.push(text);
    edits.push({ start: stmt.start, end: stmt.end, text: blank(source.slice(stmt.start, stmt.end)) });
  };

  for (const stmt of body) {
    const from = typeof stmt.source?.value === 'string' ? stmt.source.value : undefined;
    const local = from !== undefined && isLocalSpecifier(from);
    if (local && stmt.attributes && stmt.attributes.length > 0) return null;
    switch (stmt.type) {
      case 'ImportDeclaration': {
        if (!local) {
          hoist(stmt);
          break;
        }
        const call = `await ${LOCAL_IMPORT}(${quote(from)})`;
        const specifiers = stmt.specifiers ?? [];
        if (specifiers.length === 0) replace(stmt, `${call};`);
        else {
          const pattern = destructure(specifiers);
          const namespace = specifiers.find((s) => s.type === 'ImportNamespaceSpecifier');
          if (pattern === null) {
            const others = specifiers.filter((s) => s !== namespace);
            const rest = others.length > 0 ? ` const ${destructure(others)} = ${namespace!.local.name};` : '';
            replace(stmt, `const ${namespace!.local.name} = ${call};${rest}`);
          } else {
            replace(stmt, `const ${pattern} = ${call};`);
          }
        }
        break;
      }
      case 'ExportAllDeclaration': {
        // `export * from` needs the other module's names at rewrite time; `export * as ns` does not.
        if (!stmt.exported) return null;
        const name = exportedName(stmt.exported)!;
        const binding = `__dprocReexport${reexports++}`;
        if (local) replace(stmt, `const ${binding} = await ${LOCAL_IMPORT}(${quote(from)});`);
        else hoist(stmt, `import * as ${binding} from ${quote(from)};`);
        exports.set(name, binding);
        break;
      }
      case 'ExportNamedDeclaration':
        if (from !== undefined) {
          const fields: string[] = [];
          const imports: string[] = [];
          for (const s of stmt.specifiers ?? []) {
            const binding = `__dprocReexport${reexports++}`;
            const name = quote(exportedName(s.local));
            fields.push(`${name}: ${binding}`);
            imports.push(`${name} as ${binding}`);
            exports.set(exportedName(s.exported)!, binding);
          }
          if (local) replace(stmt, `const { ${fields.join(', ')} } = await ${LOCAL_IMPORT}(${quote(from)});`);
          else hoist(stmt, `import { ${imports.join(', ')} } from ${quote(from)};`);
        } else if (stmt.declaration) {
          const decl = stmt.declaration;
          if (decl.type === 'VariableDeclaration') {
            for (const d of decl.declarations ?? []) {
              if (d.id.type !== 'Identifier') return null;
              exports.set(d.id.name!, d.id.name!);
            }
          } else if (decl.id?.name) {
            exports.set(decl.id.name, decl.id.name);
          }
          // `export const x = …` → `       const x = …`
          edits.push({ start: stmt.start, end: decl.start, text: blank(source.slice(stmt.start, decl.start)) });
        } else {
          for (const s of stmt.specifiers ?? []) exports.set(exportedName(s.exported)!, s.local.name!);
          edits.push({ start: stmt.start, end: stmt.end, text: blank(source.slice(stmt.start, stmt.end)) });
        }
        break;
      case 'ExportDefaultDeclaration': {
        const decl = stmt.declaration!;
        const keyword = source.slice(stmt.start, decl.start);
        if ((decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration') && decl.id?.name) {
          // `export default function main() {}` stays a hoisted declaration.
          exports.set('default', decl.id.name);
          edits.push({ start: stmt.start, end: decl.start, text: blank(keyword) });
        } else {
          // An expression, or an anonymous function/class: assigned where it stood, then terminated, so
          // a following line that starts with `(` or `[` is not read as a call on it.
          exports.set('default', DEFAULT_BINDING);
          const assign = `${DEFAULT_BINDING}=`;
          edits.push({ start: stmt.start, end: decl.start, text: assign.length <= keyword.length ? assign.padEnd(keyword.length) : assign });
          if (source[stmt.end - 1] !== ';') edits.push({ start: stmt.end, end: stmt.end, text: ';' });
        }
        break;
      }
    }
  }

  let out = '';
  let at = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    out += source.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  out += source.slice(at);
  if (out.startsWith('#!')) out = blank(out.slice(0, out.search(/\r?\n|$/))) + out.slice(out.search(/\r?\n|$/));
  // Getters: a module that imports this one through `* as ns` sees later changes, as with ESM bindings.
  const namespace = [...exports].map(([name, binding]) => `get ${quote(name)}() { return ${binding}; }`).join(', ');
  // The prologue shares line 1 with the body, so every other line keeps its number.
  return (
    `export default async function dprocModuleInstance(${LOCAL_IMPORT}) { let ${DEFAULT_BINDING};` +
    out +
    `\n;return { __proto__: null, ${namespace} };\n}\n` +
    `export const ${INSTANCE_FACTORY_MARK} = true;\n` +
    hoisted.join('\n') +
    '\n'
  );
}
