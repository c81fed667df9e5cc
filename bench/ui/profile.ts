// Summarises a CDP Profiler profile of the page (V8 .cpuprofile format): where the main thread's JS time
// went, by function (self and inclusive) and by file. Bundle URLs are shortened to their asset name.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/** The profile Profiler.stop returns (times in microseconds). */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Milliseconds per label, largest first. */
export type Ranked = [label: string, ms: number][];

export interface ProfileSummary {
  /** Wall time the profile covers. */
  spanMs: number;
  /** Sampled time that was not "(idle)". */
  busyMs: number;
  self: Ranked;
  inclusive: Ranked;
  byFile: Ranked;
}

function shortUrl(url: string): string {
  if (!url) return '';
  const assets = url.indexOf('/assets/');
  if (assets >= 0) return url.slice(assets + 1).replace(/\?.*$/, '');
  return url.replace(/^.*\//, '');
}

function label(f: CallFrame): string {
  const where = shortUrl(f.url);
  return `${f.functionName || '(anonymous)'}${where ? ` ${where}:${f.lineNumber + 1}` : ''}`;
}

/** Self, inclusive (once per stack) and per-file time of one profile. */
export function summariseProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time between samples i-1 and i; sample i is charged the time until the next one.
  for (let i = 0; i < samples.length; i++) {
    const us = deltas[i + 1] ?? 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + us);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byFile = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const name = node.callFrame.functionName;
    const key = label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + us / 1000);
    if (name === '(idle)') continue;
    // "(program)" is native work V8 cannot attribute (style, layout, paint, parsing) and counts as busy, like GC.
    busyUs += us;
    const file = shortUrl(node.callFrame.url) || `(${name || 'native'})`;
    byFile.set(file, (byFile.get(file) ?? 0) + us / 1000);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (n.callFrame.functionName === '(root)') continue;
      const k = label(n.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us / 1000);
    }
  }
  const rank = (m: Map<string, number>): Ranked =>
    [...m.entries()]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
  return {
    spanMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: busyUs / 1000,
    self: rank(self),
    inclusive: rank(inclusive),
    byFile: rank(byFile),
  };
}

/** Plain-text rendering of a summary, for the console. */
export function renderProfile(s: ProfileSummary, top = 15): string {
  const pct = (ms: number) => `${((100 * ms) / s.spanMs).toFixed(1).padStart(5)}%`;
  const block = (title: string, rows: Ranked) =>
    [`  ${title}`, ...rows.slice(0, top).map(([k, ms]) => `    ${ms.toFixed(0).padStart(6)} ms ${pct(ms)}  ${k}`)].join('\n');
  return [
    `page main thread, CPU profile over ${(s.spanMs / 1000).toFixed(1)} s: ${s.busyMs.toFixed(0)} ms sampled busy (${pct(s.busyMs).trim()} of wall)`,
    block('self time by function', s.self),
    block('inclusive time by function (once per stack)', s.inclusive),
    block('self time by file', s.byFile),
  ].join('\n');
}
