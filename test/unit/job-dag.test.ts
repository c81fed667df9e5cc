import { describe, expect, it } from 'vitest';
import { dependentsIndex, downstreamOf, findCycle, validateDag, type DagNode } from '../../shared/dag.ts';
import { DprocError, ERROR_CODES } from '../../shared/errors.ts';

/** Nodes from `{ id: [blockedBy…] }`. */
const graph = (edges: Record<string, string[]>): DagNode[] =>
  Object.entries(edges).map(([id, blockedBy]) => ({ id, blockedBy }));

/** A chain t0 ← t1 ← … ← t(n-1): each task is blocked by the previous one. */
const chain = (n: number): DagNode[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${i}`, blockedBy: i > 0 ? [`t${i - 1}`] : [] }));

/** Checks that `cycle` is a real cycle of `nodes`: closed, and each step follows a blockedBy edge. */
function expectRealCycle(nodes: readonly DagNode[], cycle: string[] | null): void {
  expect(cycle).not.toBeNull();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  expect(cycle![0]).toBe(cycle![cycle!.length - 1]);
  const broken = cycle!.findIndex((id, i) => i + 1 < cycle!.length && !byId.get(id)?.blockedBy.includes(cycle![i + 1]));
  expect(broken).toBe(-1);
}

describe('findCycle', () => {
  it('walks a chain of 100,000 tasks without overflowing the stack', () => {
    // Listed last-first so that the depth-first walk really goes 100,000 deep from the first root.
    expect(findCycle(chain(100_000).reverse())).toBeNull();
  });

  it('finds a cycle that closes a chain of 100,000 tasks and returns all of it', () => {
    const nodes = chain(100_000);
    nodes[0] = { id: 't0', blockedBy: ['t99999'] };
    const cycle = findCycle(nodes);
    expectRealCycle(nodes, cycle);
    expect(cycle).toHaveLength(100_001);
  });

  it('does not take a diamond for a cycle', () => {
    expect(findCycle(graph({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }))).toBeNull();
  });

  it('reports a self-loop as a cycle of one task', () => {
    expect(findCycle(graph({ a: [], b: ['b'] }))).toEqual(['b', 'b']);
  });

  it('reports a two-task cycle in blockedBy order, first id repeated', () => {
    expect(findCycle(graph({ a: ['b'], b: ['a'] }))).toEqual(['a', 'b', 'a']);
  });

  it('finds a cycle that is not reachable from the first task', () => {
    const nodes = graph({ root: [], x: ['root', 'z'], y: ['x'], z: ['y'] });
    const cycle = findCycle(nodes);
    expectRealCycle(nodes, cycle);
    expect(new Set(cycle)).toEqual(new Set(['x', 'y', 'z']));
  });

  it('ignores blockedBy ids that name no task', () => {
    expect(findCycle(graph({ a: ['ghost'], b: ['a', 'ghost'] }))).toBeNull();
  });
});

describe('validateDag', () => {
  const failure = (nodes: DagNode[]): DprocError => {
    try {
      validateDag(nodes, 'jobs/x.yaml');
    } catch (err) {
      return err as DprocError;
    }
    throw new Error('expected validateDag to throw');
  };

  it('accepts a valid DAG', () => {
    expect(() => validateDag(graph({ a: [], b: ['a'], c: ['a', 'b'] }))).not.toThrow();
  });

  it('names a duplicate id', () => {
    const err = failure([{ id: 'a', blockedBy: [] }, { id: 'a', blockedBy: [] }]);
    expect(err).toMatchObject({ code: ERROR_CODES.DUPLICATE_ID, location: { taskId: 'a', field: 'id' } });
    expect(err.message).toBe('jobs/x.yaml: task "a": duplicate id');
  });

  it('names the task and the unknown id it is blocked by', () => {
    const err = failure(graph({ a: [], b: ['a', 'nope'] }));
    expect(err).toMatchObject({ code: ERROR_CODES.UNKNOWN_DEPENDENCY, location: { taskId: 'b', field: 'blockedBy' } });
    expect(err.message).toBe('jobs/x.yaml: task "b": blockedBy names unknown task "nope"');
  });

  it('names the cycle as a -> b -> a', () => {
    const err = failure(graph({ a: ['b'], b: ['a'] }));
    expect(err.code).toBe(ERROR_CODES.CYCLE);
    expect(err.message).toBe('jobs/x.yaml: cycle in blockedBy: a -> b -> a');
  });
});

describe('dependentsIndex', () => {
  it('maps every task to the tasks it blocks, with an entry even for tasks that block nothing', () => {
    const idx = dependentsIndex(graph({ a: [], b: ['a'], c: ['a', 'b'], d: ['ghost'] }));
    expect(Object.fromEntries(idx)).toEqual({ a: ['b', 'c'], b: ['c'], c: [], d: [] });
  });
});

describe('downstreamOf', () => {
  it('lists everything downstream breadth-first, once each, without the task itself', () => {
    const idx = dependentsIndex(graph({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'], e: ['d'], f: [] }));
    expect(downstreamOf('a', idx)).toEqual(['b', 'c', 'd', 'e']);
    expect(downstreamOf('d', idx)).toEqual(['e']);
    expect(downstreamOf('f', idx)).toEqual([]);
  });

  it('terminates on a cyclic graph', () => {
    const idx = dependentsIndex(graph({ a: ['c'], b: ['a'], c: ['b'] }));
    expect(downstreamOf('a', idx)).toEqual(['b', 'c']);
  });

  it('handles 100,000 dependents of one task', () => {
    const nodes = [{ id: 'root', blockedBy: [] }, ...chain(100_000).map((n) => ({ id: n.id, blockedBy: ['root'] }))];
    expect(downstreamOf('root', dependentsIndex(nodes))).toHaveLength(100_000);
  });
});
