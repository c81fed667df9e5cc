import { parse } from 'acorn';
import { isLocalSpecifier } from './instance-factory.ts';
import { stripTypes } from './strip-types.ts';

// A reused worker gives each attempt fresh instances of the processor's own modules (the processor and
// the local files it imports) but shares the packages they import (node_modules: loaded once, JIT-warm).
// Which is which is decided on resolved URLs, here and in the loader hooks alike: a file: URL outside
// any node_modules folder is the user's own code. (A package imported by a relative path into
// node_modules counts as a package.)

const fs = process.getBuiltinModule('node:fs');
const url = process.getBuiltinModule('node:url');

/** True for a resolved URL that is the user's own code (a file outside node_modules). */
export function isLocalModule(resolved: string): boolean {
  return resolved.startsWith('file:') && !resolved.includes('/node_modules/');
}

interface SourceNode {
  type: string;
  source?: { value?: unknown } | null;
}

/** The static import specifiers of an ES module's source (import, export … from); [] if it does not parse. */
export function staticImports(source: string): string[] {
  let body: SourceNode[];
  try {
    body = (parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true }) as unknown as { body: SourceNode[] }).body;
  } catch {
    return [];
  }
  const specifiers: string[] = [];
  for (const node of body) {
    const isImport = node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration' || node.type === 'ExportNamedDeclaration';
    if (isImport && typeof node.source?.value === 'string') specifiers.push(node.source.value);
  }
  return specifiers;
}


/** The processor's own module graph: its local files (it first) and what each imports by package name. */
export interface LocalGraph {
  local: string[];
  /** True when local modules import each other in a cycle (instance factories cannot express that). */
  cyclic: boolean;
  /** Per local file, the bare specifiers it imports (packages, built-ins, `#imports`). */
  packageImports: Map<string, string[]>;
}

/**
 * Walks the static imports from `entryUrl` through the files they name by path (ES modules name them
 * exactly, so `new URL(specifier, parent)` is the resolution). A file that cannot be read or parsed
 * ends the walk there: importing it reports the real problem.
 */
export function localGraph(entryUrl: string): LocalGraph {
  const local: string[] = [];
  const packageImports = new Map<string, string[]>();
  const edges = new Map<string, string[]>();
  const seen = new Set<string>([entryUrl]);
  const queue = [entryUrl];
  while (queue.length > 0) {
    const current = queue.shift()!;
    local.push(current);
    let source: string;
    try {
      source = fs.readFileSync(url.fileURLToPath(current), 'utf8');
      if (/\.[cm]?ts$/.test(current)) source = stripTypes(source);
    } catch {
      continue;
    }
    const bare: string[] = [];
    const out: string[] = [];
    edges.set(current, out);
    for (const specifier of staticImports(source)) {
      if (!isLocalSpecifier(specifier)) {
        bare.push(specifier);
        continue;
      }
      const resolved = new URL(specifier, current).href;
      if (isLocalModule(resolved)) out.push(resolved);
      if (seen.has(resolved) || !isLocalModule(resolved)) continue;
      seen.add(resolved);
      queue.push(resolved);
    }
    if (bare.length > 0) packageImports.set(current, bare);
  }
  return { local, packageImports, cyclic: hasCycle(entryUrl, edges) };
}

function hasCycle(entry: string, edges: Map<string, string[]>): boolean {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string): boolean => {
    if (state.get(node) === 'open') return true;
    if (state.get(node) === 'done') return false;
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) if (visit(next)) return true;
    state.set(node, 'done');
    return false;
  };
  return visit(entry);
}
