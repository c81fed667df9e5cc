// Diagnostics for the UI bench, used only when asked (--unminified, --trace): they change what is measured
// (unminified code, tracing overhead), so their runs explain a figure rather than report one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the renderer as `npm run build` does (the renderer section of electron.vite.config.ts) but not
 * minified, into `outDir`, so that profiles name functions as the source does.
 */
export async function buildUnminifiedRenderer(outDir: string): Promise<void> {
  const { build } = await import('vite');
  const config = (await import(join(ROOT, 'electron.vite.config.ts'))).default as { renderer: Record<string, unknown> & { build: Record<string, unknown> } };
  const r = config.renderer;
  await build({ ...r, configFile: false, base: './', logLevel: 'warn', build: { ...r.build, outDir, minify: false, emptyOutDir: true } });
}

/**
 * Serves the page's /assets/ from another build of the renderer (the server's index.html still loads; its
 * hashed asset names are mapped to the other build's file with the same prefix: index-*.js → index-*.js).
 */
export async function routeAssetsTo(page: Page, rendererDir: string): Promise<void> {
  const assets = join(rendererDir, 'assets');
  if (!existsSync(assets)) throw new Error(`${rendererDir} has no assets/ folder`);
  const files = readdirSync(assets);
  const stem = (name: string) => name.replace(/-[A-Za-z0-9_-]{8}(\.[a-z]+)$/, '$1');
  await page.route('**/assets/**', async (route) => {
    const name = new URL(route.request().url()).pathname.replace(/^.*\/assets\//, '');
    const match = files.includes(name) ? name : files.find((f) => stem(f) === stem(name));
    if (!match) return route.continue();
    const type = match.endsWith('.css') ? 'text/css' : 'text/javascript';
    await route.fulfill({ status: 200, contentType: type, body: readFileSync(join(assets, match)) });
  });
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { functionName?: string; url?: string } };
}

/** Main-thread time of the page by trace event, self time (children subtracted), in ms. */
export interface TraceSummary {
  spanMs: number;
  /** Sum of top-level tasks (RunTask / ThreadControllerImpl::RunTask) on the renderer main thread. */
  tasksMs: number;
  self: [name: string, ms: number][];
}

/** Summarises a Chromium trace (Browser.startTracing's JSON): self time per event name on CrRendererMain. */
export function summariseTrace(json: Buffer | string, top = 25): TraceSummary {
  const parsed = JSON.parse(typeof json === 'string' ? json : json.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  // The page's main thread: the CrRendererMain thread with the most complete events.
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  let best: { pid: number; tid: number; n: number } | undefined;
  for (const m of mains) {
    const n = events.filter((e) => e.ph === 'X' && e.pid === m.pid && e.tid === m.tid).length;
    if (!best || n > best.n) best = { pid: m.pid, tid: m.tid, n };
  }
  if (!best) return { spanMs: 0, tasksMs: 0, self: [] };
  const xs = events
    .filter((e) => e.ph === 'X' && e.pid === best.pid && e.tid === best.tid && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const stack: { end: number; key: string; childUs: number; dur: number }[] = [];
  let tasksUs = 0;
  const pop = () => {
    const done = stack.pop()!;
    self.set(done.key, (self.get(done.key) ?? 0) + Math.max(0, done.dur - done.childUs) / 1000);
    if (stack.length) stack[stack.length - 1].childUs += done.dur;
  };
  for (const e of xs) {
    while (stack.length && stack[stack.length - 1].end <= e.ts) pop();
    const key = e.name === 'FunctionCall' && e.args?.data?.functionName ? `FunctionCall ${e.args.data.functionName}` : e.name;
    if (stack.length === 0) tasksUs += e.dur!;
    stack.push({ end: e.ts + e.dur!, key, childUs: 0, dur: e.dur! });
  }
  while (stack.length) pop();
  const first = xs[0]?.ts ?? 0;
  const last = xs.reduce((m, e) => Math.max(m, e.ts + e.dur!), first);
  return {
    spanMs: (last - first) / 1000,
    tasksMs: tasksUs / 1000,
    self: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top),
  };
}

/** Plain-text rendering of a trace summary. */
export function renderTrace(s: TraceSummary): string {
  const pct = (ms: number) => `${((100 * ms) / s.spanMs).toFixed(1).padStart(5)}%`;
  return [
    `page main thread, trace over ${(s.spanMs / 1000).toFixed(1)} s: top-level tasks ${s.tasksMs.toFixed(0)} ms (${pct(s.tasksMs).trim()} of wall)`,
    '  self time by trace event',
    ...s.self.map(([k, ms]) => `    ${ms.toFixed(0).padStart(6)} ms ${pct(ms)}  ${k}`),
  ].join('\n');
}
