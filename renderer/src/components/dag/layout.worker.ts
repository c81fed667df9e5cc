// Runs elkjs off the UI thread: a 1,000-node layered layout must not freeze the window.
import { layoutGraph } from './elk-layout.ts';
import type { LayoutReply, LayoutRequest } from './layout-protocol.ts';

/** The part of the worker global this file uses (the DOM lib, not the webworker lib, is in scope). */
interface WorkerScope {
  onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutReply): void;
}
const scope = self as unknown as WorkerScope;

// elk.bundled.js installs its own self.onmessage when its ELK is constructed (elk-layout.ts, at import);
// this assignment, which runs after, replaces it.
scope.onmessage = async (e) => {
  if (e.data?.type === 'layout') scope.postMessage(await layoutGraph(e.data));
};
