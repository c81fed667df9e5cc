// Injected into the page before any of its scripts (page.addInitScript). Plain JS: it runs in the browser.
// Records, with Date.now() (the same wall clock the engine stamps events with, same machine):
//   frames  [dispatchTime, length] for every WebSocket message the page receives, in order: taken in a
//           'message' listener added in the WebSocket constructor, so it runs just before the app's onmessage.
//   tiles   [taskId, data-state, commitTime, framesSoFar] for each data-state change of a `tile-<task>`
//           element (the DAG's grouped region tiles). commitTime is taken in the MutationObserver callback,
//           i.e. in the microtask checkpoint right after React committed the change to the DOM.
//   bars    [aria-valuenow, commitTime, framesSoFar] for each change of the header's "Run progress" bar.
//   tileFrames / barFrames  for each tiles / bars record (same index), the time of the next
//           requestAnimationFrame callback: the frame that paints the change starts then.
//   longTasks [startTime (epoch ms), duration] from PerformanceObserver('longtask').
// Cost per record: one array push; no parsing of frames here (the bench parses them in Node).
(() => {
  const probe = { frames: [], tiles: [], bars: [], tileFrames: [], barFrames: [], longTasks: [], sockets: 0 };
  Object.defineProperty(window, '__uiBench', { value: probe, enumerable: false });

  const NativeWebSocket = window.WebSocket;
  class ProbedWebSocket extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      probe.sockets += 1;
      this.addEventListener('message', (e) => {
        probe.frames.push([Date.now(), typeof e.data === 'string' ? e.data.length : -1]);
      });
    }
  }
  window.WebSocket = ProbedWebSocket;

  // Records up to these indexes already have their next-frame time.
  let tilesStamped = 0;
  let barsStamped = 0;
  let rafPending = false;
  const stampNextFrame = () => {
    rafPending = false;
    const now = Date.now();
    for (; tilesStamped < probe.tiles.length; tilesStamped++) probe.tileFrames.push(now);
    for (; barsStamped < probe.bars.length; barsStamped++) probe.barFrames.push(now);
  };
  const observer = new MutationObserver((records) => {
    const t = Date.now();
    const framesSoFar = probe.frames.length;
    for (const r of records) {
      const el = r.target;
      if (r.attributeName === 'data-state') {
        const id = el.getAttribute('data-testid');
        if (id && id.startsWith('tile-')) probe.tiles.push([id.slice(5), el.getAttribute('data-state'), t, framesSoFar]);
      } else if (r.attributeName === 'aria-valuenow' && el.getAttribute('aria-label') === 'Run progress') {
        probe.bars.push([Number(el.getAttribute('aria-valuenow')), t, framesSoFar]);
      }
    }
    if (!rafPending) {
      rafPending = true;
      requestAnimationFrame(stampNextFrame);
    }
  });
  observer.observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state', 'aria-valuenow'] });

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push([performance.timeOrigin + e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: false });
  } catch {
    // longtask is Chromium-only; the bench runs in Chromium
  }
})();
