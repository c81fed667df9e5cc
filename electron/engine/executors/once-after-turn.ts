/**
 * Wraps `task` so that calling the result any number of times in one synchronous turn runs it once, in
 * a microtask after that turn. Executors top up their spares this way: the coordinator starts its
 * attempts and then sends its forecast in one turn, and the top-up must see both.
 */
export function onceAfterTurn(task: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      task();
    });
  };
}
