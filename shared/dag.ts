import { DprocError, ERROR_CODES } from './errors.ts';

/** The minimum a DAG check needs to know of a task. */
export interface DagNode {
  id: string;
  blockedBy: readonly string[];
}

/** Returns one cycle as a list of ids (first id repeated at the end), or null when the graph is acyclic. */
export function findCycle(nodes: readonly DagNode[]): string[] | null {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const colour = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
  const path: string[] = [];
  // Iterative DFS: a 100,000-task chain must not overflow the stack.
  for (const root of nodes) {
    if (colour.has(root.id)) continue;
    const stack: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    colour.set(root.id, 1);
    path.push(root.id);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const deps = byId.get(top.id)?.blockedBy ?? [];
      if (top.next < deps.length) {
        const dep = deps[top.next++];
        if (!byId.has(dep)) continue;
        const c = colour.get(dep);
        if (c === 1) return [...path.slice(path.indexOf(dep)), dep];
        if (c === undefined) {
          colour.set(dep, 1);
          path.push(dep);
          stack.push({ id: dep, next: 0 });
        }
      } else {
        colour.set(top.id, 2);
        path.pop();
        stack.pop();
      }
    }
  }
  return null;
}

/** Checks ids are unique, every blockedBy names a task, and there is no cycle; throws the first problem. */
export function validateDag(nodes: readonly DagNode[], file?: string): void {
  const seen = new Set<string>();
  for (const n of nodes) {
    if (seen.has(n.id)) {
      throw new DprocError(ERROR_CODES.DUPLICATE_ID, `${file ?? 'job'}: task "${n.id}": duplicate id`, {
        file,
        taskId: n.id,
        field: 'id',
      });
    }
    seen.add(n.id);
  }
  for (const n of nodes) {
    for (const dep of n.blockedBy) {
      if (!seen.has(dep)) {
        throw new DprocError(
          ERROR_CODES.UNKNOWN_DEPENDENCY,
          `${file ?? 'job'}: task "${n.id}": blockedBy names unknown task "${dep}"`,
          { file, taskId: n.id, field: 'blockedBy' },
        );
      }
    }
  }
  const cycle = findCycle(nodes);
  if (cycle) {
    throw new DprocError(ERROR_CODES.CYCLE, `${file ?? 'job'}: cycle in blockedBy: ${cycle.join(' -> ')}`, {
      file,
      taskId: cycle[0],
      field: 'blockedBy',
    });
  }
}

/** Every task downstream of `id` (not including it), in breadth-first order. */
export function downstreamOf(id: string, dependents: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  const seen = new Set([id]);
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    for (const d of dependents.get(queue[i]) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        out.push(d);
        queue.push(d);
      }
    }
  }
  return out;
}

/** Reverse edges: for each task, the tasks blocked by it. */
export function dependentsIndex(nodes: readonly DagNode[]): Map<string, string[]> {
  // Two passes so every array is allocated at its final size: grown by push, 100,000 of them waste ~20 MB.
  const sizes = new Map<string, number>();
  for (const n of nodes) sizes.set(n.id, 0);
  for (const n of nodes) for (const dep of n.blockedBy) if (sizes.has(dep)) sizes.set(dep, sizes.get(dep)! + 1);
  const idx = new Map<string, string[]>();
  const filled = new Map<string, number>();
  for (const [id, size] of sizes) {
    idx.set(id, new Array<string>(size));
    filled.set(id, 0);
  }
  for (const n of nodes) {
    for (const dep of n.blockedBy) {
      const arr = idx.get(dep);
      if (!arr) continue;
      const i = filled.get(dep)!;
      arr[i] = n.id;
      filled.set(dep, i + 1);
    }
  }
  return idx;
}
