// UI bench: how the browser app copes with a 1,000-region run, in Chromium, through `dproc serve` (real server,
// engine, SQLite journal and WebSocket). Standalone:
//
//   node bench/ui/run.ts [--json] [--regions 1000] [--concurrency 200] [--window 12] [--verbose]
//                        [--profile] [--profile-out file.cpuprofile] [--trace seconds] [--unminified]
//
// or `runUiBench(opts)` from bench/run.ts (rows { metric, value, unit, target, pass }). Needs the built renderer
// (`npm run build` → out/renderer) and Chromium at /usr/bin/chromium (or $CHROMIUM). Exits non-zero only when
// the bench itself crashes, never for a missed target.
//
// ── Workload ─────────────────────────────────────────────────────────────────────────────────────────────────
// A job generated into a temp dir that is the server's --workspace (bench/ui/fixtures/job.ts): a foreach task
// `region` over 1,000 values plus an `aggregate` blocked by all of them, isolation `pooled`. Each region
// (fixtures/ticker.mjs) awaits setTimeout(50 ms) 60-100 times (3-5 s, spread evenly across regions so they
// do not finish in waves) and calls ctx.progress(i, ticks, String(Date.now())) on every tick: 20 reports/s.
// Concurrency defaults to 200: the pooled executor starts concurrency + 1 piscina threads up front, one per
// slot (RecyclingThreadPool: minThreads = maxThreads = concurrency + spares, concurrentTasksPerWorker 1), and
// each costs ~15 MB RSS and ~55 ms CPU to start here, so 1,000 threads (15 GB, ~55 s of CPU) is out of reach;
// 200 keeps ~200 regions live at once (4,000 progress reports/s) on 2 cores. The run takes ~25-30 s.
// The page is opened like a user does: launcher → pick the job → Run; it stays on the Graph tab, where the
// region group is collapsed to a grid of tiles (1,000 > COLLAPSE_THRESHOLD = 200). Viewport 1280×800, headless;
// the mouse stays where it clicked Run (Blink re-hit-tests it after each layout, as it would for a person).
//
// ── Steady window ───────────────────────────────────────────────────────────────────────────────────────────
// Node mirrors the run from the frames the page receives (below). The window opens when ≥ 90 % of the
// concurrency is IN_PROGRESS (the pool's threads are up) and closes after --window seconds (default 12) or
// when the ready queue empties (the tail starts), whichever is first. Every figure is over that window.
//
// ── 1. Batches per second ───────────────────────────────────────────────────────────────────────────────────
// page.on('websocket') → ws.on('framereceived'): each frame is parsed in Node; `{type:'events'}` frames
// received inside the window / window length. (The event bridge sends at most one batch per run per 33 ms.)
//
// ── 2. Main-thread busy time ────────────────────────────────────────────────────────────────────────────────
// CDP Performance.getMetrics at both ends of the window: ΔTaskDuration / ΔTimestamp (Blink's sum of the wall
// durations of all main-thread tasks; includes our probe's MutationObserver and the CDP commands themselves).
// Beside it, not targeted: ΔThreadTime (main-thread CPU time) and ΔScriptDuration, Δ(Layout + RecalcStyle).
// Also the number and total of long tasks (PerformanceObserver 'longtask', ≥ 50 ms) in the window. The probe's
// own cost is ~30 ms of JS per 12 s window (~0.25 % of wall, measured with --profile).
// CPU context (from /proc, % of one core over the window): the server (all threads, and its main thread alone),
// every Chromium process, this process, the machine, and "other" = machine − ours: a second bench or a build
// running meanwhile shares the 2 cores and inflates busy time and latency (a note says so past 25 %).
//
// ── 3. Engine event → DOM ───────────────────────────────────────────────────────────────────────────────────
// The DAG view shows no per-region progress in the collapsed group: a tile (`tile-<task>`, data-state) only
// changes colour with the region's state. So the element observed is the tile's data-state attribute:
//   * page side (bench/ui/page-probe.js, addInitScript): a MutationObserver on document (subtree,
//     attributeFilter data-state / aria-valuenow) records [taskId, new state, Date.now()] in its callback, i.e. in the
//     microtask checkpoint right after React's commit; and the time of the next requestAnimationFrame
//     callback (start of the frame that paints it);
//   * Node side: from the frames, the `at` of the event that moved the task to that state (attempt.started →
//     IN_PROGRESS, attempt.succeeded → COMPLETE, task.queued → QUEUED). `at` is stamped by the coordinator
//     (Date.now(), engine process, same machine and clock as the page) when the event is created, before the
//     journal commit and the bridge; for task.progress, when the journal's 100-ms timer takes the coalesced value.
//   latency = DOM commit time − event.at, for every tile change committed inside the window. p95 is the
//   headline; p50, max, and "to next frame" are shown beside it.
// Progress events specifically (20 Hz per region, coalesced by the worker to 50 ms and by the journal to
// 100 ms per task) are visible on the DAG view only through the header's "Run progress" bar (its fraction
// counts running regions by done/total). Node folds every event with shared/applyEvent and recomputes the
// bar's value (aria-valuenow = round(fraction × 100), as renderer runProgress + ProgressBar do) after each one;
// each aria-valuenow change the observer records is matched to the event that first produced that value, and
// latency = commit time − that event's `at` (row ui.progress_to_dom_p95).
// Decomposition (frames matched by order between page and Node, checked by length): event.at → the page's 'message' dispatch
// (journal commit + bridge coalescing + WebSocket + queueing on the main thread), dispatch → DOM commit
// (JSON.parse, fold, React render/commit), and the processor's report (its Date.now() in the progress
// message) → the journaled event's `at` (worker 50 ms + journal 100 ms coalescing; by design, not UI cost).
//
// Diagnostics (they perturb what they observe: use them to explain a figure, not to report one):
//   --profile [--profile-out f]  CDP Profiler (sampling, 500 µs) on the page over the window: JS self and
//                                inclusive time by function and by file ("(program)" = native work: style,
//                                layout, paint, commit…).
//   --trace N [--trace-out f]    Chromium tracing for the first N s of the window: main-thread self time by trace
//                                event (FunctionCall, UpdateLayoutTree, Layout, Paint, PrePaint, Layerize, …).
//   --reduced-motion / --css X   A/B knobs: emulate prefers-reduced-motion (the app's CSS then drops its
//                                transitions), or inject CSS (e.g. hide a part of the page to see what it costs).
//   --unminified                 serve the page an unminified build of the renderer (built into a temp dir from
//                                electron.vite.config.ts), so profiles name the source's functions.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession } from '@playwright/test';
import { applyEvent } from '../../shared/apply-event.ts';
import type { EventBatch, JournaledEvent } from '../../shared/events.ts';
import type { RunSnapshot } from '../../shared/snapshot.ts';
import { SETTLED_TASK_STATES } from '../../shared/states.ts';
import { buildUnminifiedRenderer, renderTrace, routeAssetsTo, summariseTrace, type TraceSummary } from './diagnose.ts';
import { UI_BENCH_JOB_NAME, writeUiBenchJob } from './fixtures/job.ts';
import { renderProfile, summariseProfile, type CpuProfile, type ProfileSummary } from './profile.ts';
import {
  descendantsCpuSeconds,
  machineCpuSeconds,
  processCpuSeconds,
  startServer,
  stopServer,
  threadCpuSeconds,
  type UiBenchServer,
} from './serve.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROBE = fileURLToPath(new URL('./page-probe.js', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** One line of the table. `target` is '' and `pass` null for figures shown for explanation only. */
export interface Row {
  metric: string;
  value: number | null;
  unit: string;
  target: string;
  pass: boolean | null;
}

export interface UiBenchOptions {
  /** Regions in the job (default 1,000). */
  regions?: number;
  /** Run concurrency = pooled threads − 1 (default 200). */
  concurrency?: number;
  /** Longest steady window, seconds (default 12). */
  windowSeconds?: number;
  /** Progress period of a region, ms (default 50: 20 reports/s). */
  tickMs?: number;
  /** CPU-profile the page over the window; a path writes the .cpuprofile there too. */
  profile?: boolean | string;
  /** Trace the page's main thread (Chromium tracing) for this many seconds from the start of the window. */
  traceSeconds?: number;
  /** Also write the raw trace (JSON, loadable in DevTools' Performance panel) to this file. */
  traceOut?: string;
  /** Serve the page an unminified build of the renderer (built into a temp dir), for readable profiles. */
  unminified?: boolean;
  /** Diagnostic A/B: emulate prefers-reduced-motion: reduce (the app's CSS then drops its transitions). */
  reducedMotion?: boolean;
  /** Diagnostic A/B: extra CSS injected into the page (e.g. to hide a part and see what it costs). */
  css?: string;
  /** Chromium binary (default $CHROMIUM or /usr/bin/chromium). */
  chromium?: string;
  /** Progress lines (default: to stderr). */
  log?: (line: string) => void;
  /** Forward the server's and the browser console's output to the log. */
  verbose?: boolean;
  /** Stop waiting for the run to finish after this many seconds from the start of the bench (default 75). */
  budgetSeconds?: number;
}

/** Everything one UI bench run produced. */
export interface UiBenchResult {
  rows: Row[];
  notes: string[];
  meta: Record<string, unknown>;
  profile?: ProfileSummary;
  trace?: TraceSummary;
}

/** Runs the UI bench and returns its rows (see the top of this file for the method). */
export async function runUiBench(opts: UiBenchOptions = {}): Promise<Row[]> {
  return (await runUiBenchDetailed(opts)).rows;
}

// ─── Node's mirror of the run, from the frames the page receives ───────────────────────────────────────────

interface FrameInfo {
  /** Node's Date.now() when Playwright delivered the frame. */
  recvAt: number;
  length: number;
  kind: 'events' | 'reply' | 'other';
  events: number;
  progressEvents: number;
}

interface StateChange {
  at: number;
  frame: number;
}

const STATE_OF: Partial<Record<JournaledEvent['type'], string>> = {
  'task.queued': 'QUEUED',
  'attempt.started': 'IN_PROGRESS',
  'attempt.succeeded': 'COMPLETE',
};

class RunMirror {
  readonly frames: FrameInfo[] = [];
  /** `${taskId}|${state}` → the event that put the task in that state (first occurrence). */
  readonly stateAt = new Map<string, StateChange>();
  /** Each change of the header bar's value, with the event that made it. */
  readonly barChanges: { value: number; at: number; frame: number }[] = [];
  /** Processor report time → journaled event time, per progress event: [event.at, lag ms]. */
  readonly reportLag: [number, number][] = [];
  snapshot: RunSnapshot | undefined;
  foldErrors = 0;
  private pending: { batch: EventBatch; frame: number }[] = [];
  private contribution = new Map<string, number>();
  private sum = 0;
  private barValue = -1;

  onFrame(payload: string | Buffer): void {
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    const index = this.frames.length;
    const info: FrameInfo = { recvAt: Date.now(), length: text.length, kind: 'other', events: 0, progressEvents: 0 };
    this.frames.push(info);
    let msg: { type?: string; batch?: EventBatch; ok?: boolean; response?: { snapshot?: RunSnapshot } };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type === 'events' && msg.batch) {
      info.kind = 'events';
      info.events = msg.batch.events.length;
      for (const e of msg.batch.events) {
        if (e.type === 'task.progress') {
          info.progressEvents++;
          const reported = Number(e.message);
          if (Number.isFinite(reported)) this.reportLag.push([e.at, e.at - reported]);
        }
        const state = STATE_OF[e.type];
        if (state && 'taskId' in e) {
          const key = `${e.taskId}|${state}`;
          if (!this.stateAt.has(key)) this.stateAt.set(key, { at: e.at, frame: index });
        }
      }
      if (this.snapshot) this.fold(msg.batch, index);
      else this.pending.push({ batch: msg.batch, frame: index });
      return;
    }
    if (msg.ok !== undefined) {
      info.kind = 'reply';
      const snap = msg.response?.snapshot;
      // subscribe / getSnapshot replies: the page starts (over) from this snapshot, and so do we.
      if (snap && typeof snap === 'object' && snap.tasks && snap.order) this.reset(snap, index);
    }
  }

  private reset(snapshot: RunSnapshot, frame: number): void {
    this.snapshot = snapshot;
    this.contribution.clear();
    for (const id of snapshot.order) this.contribution.set(id, contributionOf(snapshot, id));
    this.resum();
    this.noteBar(snapshot.startedAt || snapshot.createdAt, frame);
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.fold(p.batch, p.frame);
  }

  private fold(batch: EventBatch, frame: number): void {
    const snap = this.snapshot!;
    if (batch.runId !== snap.runId) return;
    for (const e of batch.events) {
      if (e.seq <= this.snapshot!.seq) continue;
      try {
        this.snapshot = applyEvent(this.snapshot!, e);
      } catch {
        this.foldErrors++;
        continue;
      }
      if ('taskId' in e && this.contribution.has(e.taskId)) {
        const next = contributionOf(this.snapshot, e.taskId);
        this.sum += next - this.contribution.get(e.taskId)!;
        this.contribution.set(e.taskId, next);
        this.noteBar(e.at, frame);
      }
    }
    if (batch.seq > this.snapshot!.seq) this.snapshot = { ...this.snapshot!, seq: batch.seq };
    this.resum(); // the page sums in plan order: do the same, so float rounding cannot differ
  }

  private resum(): void {
    let s = 0;
    for (const id of this.snapshot!.order) s += this.contribution.get(id) ?? 0;
    this.sum = s;
  }

  /** The bar's value as the page computes it: runProgress().fraction through ProgressBar's rounding. */
  private noteBar(at: number, frame: number): void {
    const total = this.snapshot!.order.length;
    const fraction = total === 0 ? 1 : this.sum / total;
    const value = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    if (value !== this.barValue) {
      this.barValue = value;
      this.barChanges.push({ value, at, frame });
    }
  }

  count(state: string): number {
    return (this.snapshot?.counts as Record<string, number> | undefined)?.[state] ?? 0;
  }
}

/** What a task adds to the run's progress fraction (renderer/src/store/selectors.ts runProgress). */
function contributionOf(snapshot: RunSnapshot, id: string): number {
  const t = snapshot.tasks[id];
  if (!t) return 0;
  if (SETTLED_TASK_STATES.has(t.state)) return 1;
  if (t.state === 'IN_PROGRESS' && t.progress?.total) return Math.min(1, t.progress.done / t.progress.total);
  return 0;
}

// ─── What the page recorded (bench/ui/page-probe.js) ───────────────────────────────────────────────────────

interface ProbeData {
  frames: [number, number][];
  tiles: [string, string, number, number][];
  bars: [number, number, number][];
  tileFrames: number[];
  barFrames: number[];
  longTasks: [number, number][];
  sockets: number;
}

type Metrics = Record<string, number>;

async function getMetrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

// ─── Statistics ─────────────────────────────────────────────────────────────────────────────────────────────

/** Nearest-rank percentile (p in 0..100) of unsorted samples; null when there are none. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(s.length, rank) - 1];
}

function round(v: number | null | undefined, digits = 1): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

// ─── The bench ──────────────────────────────────────────────────────────────────────────────────────────────

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the UI bench; see the top of this file. */
export async function runUiBenchDetailed(opts: UiBenchOptions = {}): Promise<UiBenchResult> {
  const started = Date.now();
  const log = opts.log ?? ((line: string) => process.stderr.write(`[ui-bench] ${line}\n`));
  const regions = opts.regions ?? 1000;
  const concurrency = Math.min(opts.concurrency ?? 200, regions);
  const windowMs = (opts.windowSeconds ?? 12) * 1000;
  const tickMs = opts.tickMs ?? 50;
  const budgetMs = (opts.budgetSeconds ?? 75) * 1000;
  const executablePath = opts.chromium ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(join(ROOT, 'out/renderer/index.html'))) {
    throw new Error('no built renderer in out/renderer: run "npm run build" (or "npx electron-vite build") first');
  }
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (set $CHROMIUM)`);
  const notes: string[] = [];
  const stale = newerThanBuild();
  if (stale) notes.push(`out/renderer is older than ${stale}: the page runs the last build, not the current sources ("npm run build")`);

  const tmp = mkdtempSync(join(tmpdir(), 'dproc-ui-bench-'));
  const dataDir = join(tmp, 'data');
  const workspace = join(tmp, 'workspace');
  mkdirSync(dataDir);
  mkdirSync(workspace);
  writeUiBenchJob(workspace, { regions, concurrency, ticksMin: 60, ticksMax: 100, tickMs });
  const unminifiedDir = join(tmp, 'renderer-unminified');
  if (opts.unminified) {
    log('building an unminified renderer for readable profiles');
    await buildUnminifiedRenderer(unminifiedDir);
  }

  const mirror = new RunMirror();
  let server: UiBenchServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startServer(dataDir, workspace, (text) => {
      if (opts.verbose) log(`serve: ${text.trimEnd()}`);
    });
    log(`dproc serve at ${server.url.replace(/\?token=.*/, '')}; ${regions} regions, concurrency ${concurrency} (pooled)`);
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      reducedMotion: opts.reducedMotion ? 'reduce' : 'no-preference',
    });
    const page = await context.newPage();
    await page.addInitScript({ path: PROBE });
    if (opts.unminified) await routeAssetsTo(page, unminifiedDir);
    let appSockets = 0;
    page.on('websocket', (ws) => {
      if (!new URL(ws.url()).pathname.endsWith('/ws')) return;
      appSockets++;
      ws.on('framereceived', (f) => mirror.onFrame(f.payload));
    });
    if (opts.verbose) page.on('console', (m) => log(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (err) => log(`page error: ${err.message}`));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });

    // Launch the job the way a person does.
    await page.goto(server.url);
    if (opts.css) await page.addStyleTag({ content: opts.css });
    await page.waitForSelector('[data-testid="connection"][data-connection="open"]', { timeout: 15_000 });
    await page.getByTestId('job-picker').selectOption({ label: UI_BENCH_JOB_NAME }, { timeout: 15_000 });
    await page.getByTestId('job-valid').waitFor({ timeout: 15_000 });
    const launchedAt = Date.now();
    await page.getByTestId('run-button').click();
    // Generous: starting a pool of 201 threads on 2 cores can hold the coordinator up for many seconds,
    // which is itself reported (ui.run_to_header_ms) rather than turned into a crash.
    await page.waitForSelector('[data-testid="run-header"][data-run-id]', { timeout: 90_000 });
    const runToHeaderMs = Date.now() - launchedAt;
    await page.waitForSelector('[data-testid="dag-group-region"] [data-testid="tile-region-0000"]', { state: 'attached', timeout: 15_000 });
    log(`run ${await page.getByTestId('run-header').getAttribute('data-run-id')} open on the Graph tab (grouped tiles)`);

    // Wait for the steady state: the pool's threads are up and most slots are busy.
    const liveTarget = Math.ceil(0.9 * concurrency);
    const steadyBy = Date.now() + 40_000;
    while (mirror.count('IN_PROGRESS') < liveTarget) {
      if (Date.now() > steadyBy) throw new Error(`only ${mirror.count('IN_PROGRESS')} regions live after 40 s (wanted ${liveTarget})`);
      await sleep(50);
    }
    const rampMs = Date.now() - launchedAt;
    log(`${mirror.count('IN_PROGRESS')} regions live ${(rampMs / 1000).toFixed(1)} s after Run; measuring for up to ${windowMs / 1000} s`);

    const cpu0 = cpuSnapshot(server);
    if (opts.profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const traceMs = (opts.traceSeconds ?? 0) * 1000;
    let tracing = false;
    let trace: TraceSummary | undefined;
    const stopTrace = async () => {
      tracing = false;
      const raw = await browser!.stopTracing();
      if (opts.traceOut) {
        writeFileSync(opts.traceOut, raw);
        notes.push(`trace of the page written to ${opts.traceOut}`);
      }
      trace = summariseTrace(raw);
    };
    if (traceMs > 0) {
      await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink'] });
      tracing = true;
    }
    const m0 = await getMetrics(cdp);
    const w0 = Date.now();
    const liveSamples: number[] = [];
    let endReason = 'window elapsed';
    while (Date.now() - w0 < windowMs) {
      await sleep(100);
      if (tracing && Date.now() - w0 >= traceMs) await stopTrace();
      liveSamples.push(mirror.count('IN_PROGRESS'));
      if (mirror.count('QUEUED') === 0) {
        endReason = 'ready queue empty';
        break;
      }
    }
    const w1 = Date.now();
    const m1 = await getMetrics(cdp);
    if (tracing) await stopTrace();
    const cpu1 = cpuSnapshot(server);
    let profile: ProfileSummary | undefined;
    if (opts.profile) {
      const { profile: raw } = await cdp.send('Profiler.stop');
      profile = summariseProfile(raw as CpuProfile, 40);
      if (typeof opts.profile === 'string') {
        writeFileSync(opts.profile, JSON.stringify(raw));
        notes.push(`CPU profile of the page over the window written to ${opts.profile}`);
      }
    }
    log(`window ${((w1 - w0) / 1000).toFixed(1)} s (${endReason}); waiting for the run to finish`);

    // Let the run finish (bounded), so the table can say whether the page ended up showing all of it.
    let finished = false;
    while (Date.now() - started < budgetMs) {
      const state = mirror.snapshot?.state;
      if (state === 'COMPLETE' || state === 'FAILED' || state === 'PARTIAL' || state === 'CANCELLED') {
        finished = true;
        break;
      }
      await sleep(200);
    }
    let shownSettled: number | null = null;
    if (finished) {
      await page
        .waitForSelector(`[data-testid="run-progress"][data-settled="${mirror.snapshot!.order.length}"]`, { timeout: 5_000 })
        .catch(() => {});
      shownSettled = Number(await page.getByTestId('run-progress').getAttribute('data-settled'));
    } else {
      notes.push(`the run had not finished after ${budgetMs / 1000} s; the bench stopped waiting (its figures are from the window)`);
    }
    const probe = (await page.evaluate('window.__uiBench')) as ProbeData;
    const analysed = analyse({ mirror, probe, m0, m1, w0, w1, liveSamples, appSockets, concurrency });
    const wallS = (w1 - w0) / 1000;
    const corePct = (k: keyof CpuSnapshot) => {
      const a = cpu0[k] as number | undefined;
      const b = cpu1[k] as number | undefined;
      return a === undefined || b === undefined ? null : (100 * (b - a)) / wallS;
    };
    const machineCpu =
      cpu0.machine && cpu1.machine ? (100 * (cpu1.machine.busy - cpu0.machine.busy)) / (cpu1.machine.total - cpu0.machine.total) : null;
    // Whatever else ran on the machine meanwhile (another bench, a build…): it competes for the same cores.
    const ours = [corePct('server'), corePct('browser'), corePct('bench')];
    const otherCpu =
      machineCpu === null || ours.some((v) => v === null)
        ? null
        : Math.max(0, (machineCpu * cpus().length) - ours.reduce((a, b) => a! + b!, 0)!);
    if (otherCpu !== null && otherCpu > 25) {
      notes.push(`other processes used ${Math.round(otherCpu)} % of a core during the window: figures are pessimistic (shared cores)`);
    }
    const total = mirror.snapshot?.order.length ?? regions + 1;
    const rows: Row[] = [
      ...analysed.rows,
      info('ui.server_cpu', round(corePct('server'), 0), '% of 1 core (all threads)'),
      info('ui.server_main_thread_cpu', round(corePct('serverMain'), 0), '% of 1 core'),
      info('ui.browser_cpu', round(corePct('browser'), 0), '% of 1 core (all Chromium)'),
      info('ui.bench_cpu', round(corePct('bench'), 0), '% of 1 core (this process)'),
      info('ui.machine_cpu', round(machineCpu, 0), `% of ${cpus().length} cores`),
      info('ui.other_cpu', round(otherCpu, 0), '% of 1 core (not this bench)'),
      info('ui.settled_shown_at_end', shownSettled, `of ${total}`),
      info('ui.run_to_header_ms', runToHeaderMs, 'ms from Run to the run header (pool start-up)'),
    ];
    return {
      rows,
      notes: [...analysed.notes, ...notes],
      profile,
      trace,
      meta: {
        ...analysed.meta,
        regions,
        concurrency,
        pooledThreads: concurrency + 1,
        tickMs,
        rampSeconds: round(rampMs / 1000, 1),
        windowEnd: endReason,
        runFinished: finished,
        runSeconds: round((Date.now() - launchedAt) / 1000, 1),
        benchSeconds: round((Date.now() - started) / 1000, 1),
        node: process.version,
        cpus: cpus().length,
        loadAvg: loadavg().map((l) => round(l, 2)),
        chromium: browser.version(),
      },
    };
  } finally {
    await browser?.close().catch(() => {});
    if (server) await stopServer(server).catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
}

interface CpuSnapshot {
  server: number | undefined;
  serverMain: number | undefined;
  browser: number | undefined;
  bench: number;
  machine: { busy: number; total: number } | undefined;
}

/** CPU seconds used so far by the server (all threads, and its main thread), Chromium, this process, the machine. */
function cpuSnapshot(server: UiBenchServer): CpuSnapshot {
  const pid = server.process.pid;
  const own = process.cpuUsage();
  return {
    server: processCpuSeconds(pid),
    serverMain: threadCpuSeconds(pid),
    browser: descendantsCpuSeconds(process.pid, pid === undefined ? [] : [pid]),
    bench: (own.user + own.system) / 1e6,
    machine: machineCpuSeconds(),
  };
}

function info(metric: string, value: number | null, unit: string): Row {
  return { metric, value, unit, target: '', pass: null };
}

function targeted(metric: string, value: number | null, unit: string, target: string, ok: (v: number) => boolean): Row {
  return { metric, value, unit, target, pass: value === null ? false : ok(value) };
}

interface AnalysisInput {
  mirror: RunMirror;
  probe: ProbeData;
  m0: Metrics;
  m1: Metrics;
  w0: number;
  w1: number;
  liveSamples: number[];
  appSockets: number;
  concurrency: number;
}

/** Turns the window's records into rows (see the top of this file for what each one means). */
function analyse(a: AnalysisInput): { rows: Row[]; notes: string[]; meta: Record<string, unknown> } {
  const { mirror, probe, m0, m1, w0, w1 } = a;
  const notes: string[] = [];
  const inWindow = (t: number) => t >= w0 && t <= w1;
  const seconds = (w1 - w0) / 1000;

  // 1. Batches per second.
  const eventFrames = mirror.frames.filter((f) => f.kind === 'events' && inWindow(f.recvAt));
  const batchesPerSec = eventFrames.length / seconds;
  const progressPerSec = eventFrames.reduce((n, f) => n + f.progressEvents, 0) / seconds;
  const meanFrameKb = eventFrames.length ? eventFrames.reduce((n, f) => n + f.length, 0) / eventFrames.length / 1024 : null;

  // 2. Main-thread busy time (CDP Performance.getMetrics).
  const wallS = m1.Timestamp - m0.Timestamp;
  const pctOf = (name: string) => (100 * (m1[name] - m0[name])) / wallS;
  const busy = pctOf('TaskDuration');
  const cpu = pctOf('ThreadTime');
  const script = pctOf('ScriptDuration');
  const layoutStyle = pctOf('LayoutDuration') + pctOf('RecalcStyleDuration');
  const longTasks = probe.longTasks.filter(([start]) => inWindow(start));
  const longTaskMs = longTasks.reduce((n, [, d]) => n + d, 0);

  // 3. Engine event → DOM, on the tiles.
  const aligned =
    a.appSockets === 1 &&
    probe.sockets === 1 &&
    probe.frames.length >= mirror.frames.length - 5 &&
    probe.frames.slice(0, mirror.frames.length).every(([, len], i) => len === mirror.frames[i].length);
  if (!aligned) notes.push('page and Node frame lists do not line up (a reconnect?): the event → page / page → DOM split is left out');
  const toDom: number[] = [];
  const toPaint: number[] = [];
  const toPage: number[] = [];
  const pageToDom: number[] = [];
  let tileChanges = 0;
  let unmatched = 0;
  probe.tiles.forEach(([taskId, state, t], i) => {
    if (!inWindow(t)) return;
    tileChanges++;
    const change = mirror.stateAt.get(`${taskId}|${state}`);
    if (!change) {
      unmatched++;
      return;
    }
    toDom.push(t - change.at);
    if (probe.tileFrames[i] !== undefined) toPaint.push(probe.tileFrames[i] - change.at);
    if (aligned && probe.frames[change.frame]) {
      const dispatched = probe.frames[change.frame][0];
      toPage.push(dispatched - change.at);
      pageToDom.push(t - dispatched);
    }
  });
  if (unmatched > 0) notes.push(`${unmatched} of ${tileChanges} tile changes in the window had no matching event (states other than QUEUED/IN_PROGRESS/COMPLETE)`);

  // Progress events → the header's run progress bar.
  const barToDom: number[] = [];
  for (const [value, t, framesSoFar] of probe.bars) {
    if (!inWindow(t)) continue;
    let cause: { at: number } | undefined;
    for (let j = mirror.barChanges.length - 1; j >= 0; j--) {
      const c = mirror.barChanges[j];
      if (c.frame <= framesSoFar - 1 && c.value === value) {
        cause = c;
        break;
      }
    }
    if (cause) barToDom.push(t - cause.at);
  }
  const reportLag = mirror.reportLag.filter(([at]) => inWindow(at)).map(([, lag]) => lag);
  const live = a.liveSamples.length ? a.liveSamples.reduce((x, y) => x + y, 0) / a.liveSamples.length : mirror.count('IN_PROGRESS');
  if (mirror.foldErrors > 0) notes.push(`${mirror.foldErrors} events could not be folded by the bench's mirror (progress-bar matching may be off)`);

  const p95 = percentile(toDom, 95);
  const rows: Row[] = [
    targeted('ui.batches_per_s', round(batchesPerSec, 1), 'batches/s', '<= 30', (v) => v <= 30.5),
    targeted('ui.main_thread_busy', round(busy, 1), '% of wall', '< 50', (v) => v < 50),
    targeted('ui.event_to_dom_p95', round(p95, 0), 'ms (tiles)', '< 250', (v) => v < 250),
    info('ui.event_to_dom_p50', round(percentile(toDom, 50), 0), 'ms'),
    info('ui.event_to_dom_max', round(percentile(toDom, 100), 0), 'ms'),
    info('ui.event_to_dom_samples', toDom.length, 'tile changes'),
    info('ui.event_to_next_frame_p95', round(percentile(toPaint, 95), 0), 'ms'),
    info('ui.progress_to_dom_p95', round(percentile(barToDom, 95), 0), 'ms (header bar)'),
    info('ui.event_to_page_p95', round(percentile(toPage, 95), 0), 'ms'),
    info('ui.page_to_dom_p95', round(percentile(pageToDom, 95), 0), 'ms'),
    info('ui.report_to_event_p95', round(percentile(reportLag, 95), 0), 'ms'),
    info('ui.live_regions', round(live, 0), 'IN_PROGRESS (mean)'),
    info('ui.progress_events_per_s', round(progressPerSec, 0), 'events/s to page'),
    info('ui.frame_size_mean', round(meanFrameKb, 1), 'KiB'),
    info('ui.main_thread_cpu', round(cpu, 1), '% (ThreadTime)'),
    info('ui.main_thread_script', round(script, 1), '% (ScriptDuration)'),
    info('ui.main_thread_layout_style', round(layoutStyle, 1), '% (Layout+RecalcStyle)'),
    info('ui.long_tasks', longTasks.length, `>= 50 ms (${Math.round(longTaskMs)} ms total)`),
  ];
  const dist = (xs: number[]) => ({
    n: xs.length,
    min: round(percentile(xs, 0), 0),
    p50: round(percentile(xs, 50), 0),
    p95: round(percentile(xs, 95), 0),
    p99: round(percentile(xs, 99), 0),
    max: round(percentile(xs, 100), 0),
  });
  return {
    rows,
    notes,
    meta: {
      windowSeconds: round(seconds, 1),
      framesAligned: aligned,
      eventFrames: eventFrames.length,
      latencyMs: {
        eventToDom: dist(toDom),
        eventToNextFrame: dist(toPaint),
        progressToDom: dist(barToDom),
        eventToPage: dist(toPage),
        pageToDom: dist(pageToDom),
        reportToEvent: dist(reportLag),
      },
    },
  };
}

/** The first renderer/ or shared/ source file changed after out/renderer was built, if any. */
function newerThanBuild(): string | undefined {
  const built = statSync(join(ROOT, 'out/renderer/index.html')).mtimeMs;
  const walk = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = walk(path);
        if (found) return found;
      } else if (statSync(path).mtimeMs > built) return path.slice(ROOT.length);
    }
    return undefined;
  };
  return walk(join(ROOT, 'renderer')) ?? walk(join(ROOT, 'shared'));
}

// ─── Output ─────────────────────────────────────────────────────────────────────────────────────────────────

/** The rows as an aligned plain-text table. */
export function renderRows(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.metric,
    r.value === null ? '—' : String(r.value),
    r.unit,
    r.target,
    r.pass === null ? '' : r.pass ? 'PASS' : 'MISS',
  ]);
  const head = ['metric', 'value', 'unit', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c.map((x, i) => (i === 1 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      regions: { type: 'string' },
      concurrency: { type: 'string' },
      window: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'profile-out': { type: 'string' },
      trace: { type: 'string' },
      'trace-out': { type: 'string' },
      unminified: { type: 'boolean', default: false },
      'reduced-motion': { type: 'boolean', default: false },
      css: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  try {
    const result = await runUiBenchDetailed({
      regions: num(values.regions),
      concurrency: num(values.concurrency),
      windowSeconds: num(values.window),
      profile: values['profile-out'] ?? values.profile,
      traceSeconds: num(values.trace),
      traceOut: values['trace-out'],
      unminified: values.unminified,
      reducedMotion: values['reduced-motion'],
      css: values.css,
      verbose: values.verbose,
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const m = result.meta;
      process.stdout.write(
        `UI bench: ${m.regions} regions, concurrency ${m.concurrency} (pooled, ${m.pooledThreads} threads), ` +
          `steady window ${m.windowSeconds} s (${m.windowEnd}), ${m.cpus} cores, Node ${m.node}, Chromium ${m.chromium}\n\n`,
      );
      process.stdout.write(`${renderRows(result.rows)}\n`);
      for (const n of result.notes) process.stdout.write(`\nnote: ${n}`);
      if (result.notes.length) process.stdout.write('\n');
      if (result.profile) process.stdout.write(`\n${renderProfile(result.profile, 20)}\n`);
      if (result.trace) process.stdout.write(`\n${renderTrace(result.trace)}\n`);
    }
  } catch (err) {
    process.stderr.write(`ui bench crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
