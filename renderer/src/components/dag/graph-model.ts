/**
 * What the DAG view draws, derived from the plan only (never from task states), so progress updates never
 * cause a re-layout.
 *
 * A foreach group is drawn one of three ways:
 *  - collapsed (past COLLAPSE_THRESHOLD regions, until the user expands it): one node with a tile per region;
 *  - framed (its regions share the same inputs and do not depend on each other, the usual fan-out): a frame
 *    with the region nodes in a grid inside it, so 24 or 1,000 regions do not become one endless column;
 *  - loose: one node per region, placed by ELK like any other task.
 * ELK lays out the top-level nodes only (tasks, collapsed groups, frames); grids are computed here.
 */

/** Past this many regions (tasks with a foreach group), groups start collapsed. */
export const COLLAPSE_THRESHOLD = 200;

export const TASK_NODE = { width: 220, height: 84 };
export const TILE = { size: 10, gap: 2 };
const GRID_GAP = { x: 24, y: 16 };
const FRAME_PADDING = { x: 16, top: 40, bottom: 16 };
const GROUP_CHROME = { width: 24, height: 62, minWidth: 240 };
/** Fewer regions than this stay loose: a frame around three nodes is noise. */
const MIN_FRAMED = 4;

export interface PlanNode {
  id: string;
  name: string;
  blockedBy: readonly string[];
  group?: string;
}

export type GraphNodeSpec =
  | {
      kind: 'task';
      id: string;
      taskId: string;
      width: number;
      height: number;
      /** Set for a region inside a frame: the frame's id and the position relative to it. */
      parent?: { id: string; x: number; y: number };
    }
  | { kind: 'group'; id: string; group: string; members: string[]; columns: number; width: number; height: number }
  | { kind: 'frame'; id: string; group: string; members: string[]; width: number; height: number };

export interface GraphEdgeSpec {
  id: string;
  source: string;
  target: string;
}

export interface GraphSpec {
  /** Changes exactly when the layout must be redone. */
  key: string;
  /** Parents before their children (React Flow needs that order). */
  nodes: GraphNodeSpec[];
  edges: GraphEdgeSpec[];
}

/** Node id of a collapsed group; task ids cannot contain ':'. */
export function groupNodeId(group: string): string {
  return `group:${group}`;
}

export function frameNodeId(group: string): string {
  return `frame:${group}`;
}

/** Tiles per row for a collapsed group of `n` regions: roughly 2.5 times wider than tall. */
export function tileColumns(n: number): number {
  return Math.max(1, Math.min(n, Math.max(12, Math.ceil(Math.sqrt(n * 2.5)))));
}

/** Region nodes per row in a frame: a grid somewhat wider than tall, like the window. */
export function frameColumns(n: number): number {
  const cellW = TASK_NODE.width + GRID_GAP.x;
  const cellH = TASK_NODE.height + GRID_GAP.y;
  return Math.max(1, Math.min(n, Math.round(Math.sqrt((n * cellH * 1.8) / cellW))));
}

/** Builds the nodes and edges to lay out, collapsing groups unless the user expanded them. */
export function buildGraph(planId: string, tasks: readonly PlanNode[], expanded: Readonly<Record<string, boolean>>): GraphSpec {
  const members = new Map<string, string[]>();
  for (const t of tasks) if (t.group) (members.get(t.group) ?? members.set(t.group, []).get(t.group)!).push(t.id);
  const regionCount = [...members.values()].reduce((n, m) => n + m.length, 0);
  const byId = new Map(tasks.map((t) => [t.id, t]));

  const mode = new Map<string, 'collapsed' | 'framed' | 'loose'>();
  for (const [group, ids] of members) {
    if (regionCount > COLLAPSE_THRESHOLD && ids.length > 1 && !expanded[group]) mode.set(group, 'collapsed');
    else if (ids.length >= MIN_FRAMED && isUniformFanOut(ids, byId)) mode.set(group, 'framed');
    else mode.set(group, 'loose');
  }

  const nodeOf = (id: string): string => {
    const group = byId.get(id)?.group;
    const m = group ? mode.get(group) : undefined;
    return m === 'collapsed' ? groupNodeId(group!) : m === 'framed' ? frameNodeId(group!) : id;
  };

  const nodes: GraphNodeSpec[] = [];
  const placed = new Set<string>();
  for (const t of tasks) {
    const m = t.group ? mode.get(t.group) : undefined;
    if (!t.group || m === 'loose') {
      nodes.push({ kind: 'task', id: t.id, taskId: t.id, ...TASK_NODE });
      continue;
    }
    if (placed.has(t.group)) continue;
    placed.add(t.group);
    const ids = members.get(t.group)!;
    if (m === 'collapsed') nodes.push(collapsedGroup(t.group, ids));
    else nodes.push(...framedGroup(t.group, ids));
  }

  const edges: GraphEdgeSpec[] = [];
  const seen = new Set<string>();
  for (const t of tasks) {
    const target = nodeOf(t.id);
    for (const dep of t.blockedBy) {
      const source = nodeOf(dep);
      const id = `${source}->${target}`;
      if (source === target || seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, source, target });
    }
  }

  const modes = [...mode].map(([g, m]) => `${g}=${m}`).sort().join(',');
  return { key: `${planId}|${modes}`, nodes, edges };
}

/** Same inputs for every region and no region waiting for another: the grid can stand for all of them. */
function isUniformFanOut(ids: string[], byId: Map<string, PlanNode>): boolean {
  const inGroup = new Set(ids);
  const first = [...byId.get(ids[0])!.blockedBy].sort().join('\n');
  return ids.every((id) => {
    const deps = byId.get(id)!.blockedBy;
    return deps.every((d) => !inGroup.has(d)) && [...deps].sort().join('\n') === first;
  });
}

function collapsedGroup(group: string, ids: string[]): GraphNodeSpec {
  const columns = tileColumns(ids.length);
  const rows = Math.ceil(ids.length / columns);
  const step = TILE.size + TILE.gap;
  return {
    kind: 'group',
    id: groupNodeId(group),
    group,
    members: ids,
    columns,
    width: Math.max(GROUP_CHROME.minWidth, columns * step + GROUP_CHROME.width),
    height: rows * step + GROUP_CHROME.height,
  };
}

function framedGroup(group: string, ids: string[]): GraphNodeSpec[] {
  const columns = frameColumns(ids.length);
  const rows = Math.ceil(ids.length / columns);
  const cellW = TASK_NODE.width + GRID_GAP.x;
  const cellH = TASK_NODE.height + GRID_GAP.y;
  const frame: GraphNodeSpec = {
    kind: 'frame',
    id: frameNodeId(group),
    group,
    members: ids,
    width: FRAME_PADDING.x * 2 + columns * cellW - GRID_GAP.x,
    height: FRAME_PADDING.top + FRAME_PADDING.bottom + rows * cellH - GRID_GAP.y,
  };
  const children: GraphNodeSpec[] = ids.map((id, i) => ({
    kind: 'task',
    id,
    taskId: id,
    ...TASK_NODE,
    parent: { id: frame.id, x: FRAME_PADDING.x + (i % columns) * cellW, y: FRAME_PADDING.top + Math.floor(i / columns) * cellH },
  }));
  return [frame, ...children];
}
