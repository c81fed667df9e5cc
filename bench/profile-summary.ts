// Summarises V8 .cpuprofile files (from `node --cpu-prof`): where the time went, by function and by file.
// Usage: node bench/profile-summary.ts <file.cpuprofile|dir> [top=25]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self and inclusive time (ms) per function of one profile, plus its total sampled time. */
export function summarise(profile: CpuProfile): { totalMs: number; self: Map<string, number>; inclusive: Map<string, number>; byFile: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const label = (f: CallFrame): string => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const node = byId.get(id)!;
    const key = label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + us / 1000);
    const file = shortUrl(node.callFrame.url) || `(${node.callFrame.functionName})`;
    byFile.set(file, (byFile.get(file) ?? 0) + us / 1000);
    // Inclusive: count each distinct function once per sample's stack (recursion must not double-count).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(byId.get(cur)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us / 1000);
    }
  }
  return { totalMs: totalUs / 1000, self, inclusive, byFile };
}

function shortUrl(url: string): string {
  const i = url.indexOf('/work/main/');
  if (i >= 0) return url.slice(i + '/work/main/'.length);
  const nm = url.indexOf('node_modules/');
  return nm >= 0 ? url.slice(nm) : url;
}

function top(map: Map<string, number>, n: number, total: number): string {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
}

if (import.meta.main) {
  const target = process.argv[2];
  const n = Number(process.argv[3] ?? 25);
  const files = statSync(target).isDirectory()
    ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f))
    : [target];
  for (const file of files) {
    const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    console.log(`\n== ${file}: ${s.totalMs.toFixed(0)} ms sampled`);
    console.log(' self time by file:\n' + top(s.byFile, 12, s.totalMs));
    console.log(' self time by function:\n' + top(s.self, n, s.totalMs));
    console.log(' inclusive time by function:\n' + top(s.inclusive, n, s.totalMs));
  }
}
