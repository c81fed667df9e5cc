import { useEffect, useState } from 'react';
import type { GraphSpec } from './graph-model.ts';
import type { LayoutReply, LayoutRequest } from './layout-protocol.ts';

export type Positions = Record<string, { x: number; y: number }>;
export type LayoutState =
  | { status: 'pending' }
  | { status: 'done'; key: string; positions: Positions }
  | { status: 'failed'; message: string };

let worker: Worker | undefined;
let workerBroken = false;
let nextId = 1;
const waiting = new Map<number, (reply: LayoutReply) => void>();
/** Recent layouts by graph key: switching tabs or runs back and forth does not lay out again. */
const cache = new Map<string, Positions>();
const CACHE_SIZE = 8;
/** Layouts under way by graph key (a remounted view asks for the same one again). */
const inflight = new Map<string, Promise<LayoutReply>>();

function layoutWorker(): Worker | undefined {
  if (workerBroken) return undefined;
  if (!worker) {
    try {
      worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    } catch (err) {
      console.warn('dproc: layout worker unavailable, laying out on the main thread', err);
      workerBroken = true;
      return undefined;
    }
    worker.onmessage = (e: MessageEvent<LayoutReply>) => {
      waiting.get(e.data.id)?.(e.data);
      waiting.delete(e.data.id);
    };
    worker.onerror = (e) => {
      // The worker could not load (e.g. a file:// page that may not start module workers): fall back.
      console.warn('dproc: layout worker failed, laying out on the main thread', e.message);
      e.preventDefault();
      workerBroken = true;
      worker?.terminate();
      worker = undefined;
      for (const [id, resolve] of waiting) resolve({ type: 'layout:failed', id, message: 'retry-inline' });
      waiting.clear();
    };
  }
  return worker;
}

async function layoutInline(request: LayoutRequest): Promise<LayoutReply> {
  const { layoutGraph } = await import('./elk-layout.ts');
  return layoutGraph(request);
}

async function requestLayout(graph: GraphSpec): Promise<LayoutReply> {
  const request: LayoutRequest = {
    type: 'layout',
    id: nextId++,
    // Nodes inside a frame are placed by the graph model; ELK sees the frame as one node.
    nodes: graph.nodes.filter((n) => !(n.kind === 'task' && n.parent)).map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: graph.edges,
  };
  const w = layoutWorker();
  if (!w) return layoutInline(request);
  const reply = await new Promise<LayoutReply>((resolve) => {
    waiting.set(request.id, resolve);
    w.postMessage(request);
  });
  return reply.type === 'layout:failed' && reply.message === 'retry-inline' ? layoutInline(request) : reply;
}

/** Positions for the graph's nodes, computed in a Web Worker once per graph key. */
export function useLayout(graph: GraphSpec | undefined): LayoutState {
  const [state, setState] = useState<LayoutState>({ status: 'pending' });
  const key = graph?.key;
  useEffect(() => {
    if (!graph) return;
    const cached = cache.get(graph.key);
    if (cached) {
      setState({ status: 'done', key: graph.key, positions: cached });
      return;
    }
    let current = true;
    setState({ status: 'pending' });
    let request = inflight.get(graph.key);
    if (!request) {
      request = requestLayout(graph).finally(() => inflight.delete(graph.key));
      inflight.set(graph.key, request);
    }
    void request.then((reply) => {
      if (reply.type === 'layout:done') {
        cache.set(graph.key, reply.positions);
        if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      if (!current) return;
      setState(reply.type === 'layout:done' ? { status: 'done', key: graph.key, positions: reply.positions } : { status: 'failed', message: reply.message });
    });
    return () => {
      current = false;
    };
    // Keyed on graph.key, not the graph object: the key says exactly when the layout must change.
  }, [key]);
  return state;
}
