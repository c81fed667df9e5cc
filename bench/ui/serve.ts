import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** USER_HZ of /proc's CPU times: 100 on every Linux we run on. */
const CLOCK_TICKS = 100;

/** A running `dproc serve` (real server, engine, SQLite, WebSocket) and its process. */
export interface UiBenchServer {
  url: string;
  process: ChildProcess;
}

/**
 * Starts `node electron/cli/main.ts serve --port 0 --no-open --data-dir <dataDir> --workspace <workspace>` on
 * this Node (24, type stripping) and resolves with the URL it prints (with its `?token=`).
 */
export async function startServer(dataDir: string, workspace: string, onStderr: (text: string) => void): Promise<UiBenchServer> {
  const child = spawn(
    process.execPath,
    ['--no-warnings', 'electron/cli/main.ts', 'serve', '--port', '0', '--no-open', '--data-dir', dataDir, '--workspace', workspace],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => onStderr(d));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dproc serve printed no URL within 20 s:\n${out}`)), 20_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /(http:\/\/\S+\?token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dproc serve exited (${code}) before printing its URL:\n${out}`));
    });
  });
  child.stdout!.resume(); // keep draining: a full pipe would block the server
  return { url, process: child };
}

/** SIGTERM, then SIGKILL after `graceMs` if it is still there (live runs are released, not awaited). */
export async function stopServer(server: UiBenchServer, graceMs = 10_000): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** CPU seconds (user + system, all threads) the process has used so far, from /proc; undefined off Linux. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds one thread of a process has used (the main thread's tid is the pid). */
export function threadCpuSeconds(pid: number | undefined, tid = pid): number | undefined {
  return pid === undefined ? undefined : statCpuSeconds(`/proc/${pid}/task/${tid}/stat`);
}

/**
 * CPU seconds used so far by every descendant process of `root` except the subtrees of `exclude` (for the
 * bench: Chromium's browser, renderer, GPU and utility processes, without the dproc server).
 */
export function descendantsCpuSeconds(root: number, exclude: readonly number[]): number | undefined {
  try {
    const parentOf = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const fields = statFields(`/proc/${name}/stat`);
      if (fields) parentOf.set(Number(name), Number(fields[1]));
    }
    const skip = new Set(exclude);
    let total = 0;
    for (const pid of parentOf.keys()) {
      let inside = false;
      for (let cur: number | undefined = pid, hops = 0; cur !== undefined && cur > 1 && hops < 64; cur = parentOf.get(cur), hops++) {
        if (skip.has(cur)) break;
        if (parentOf.get(cur) === root) {
          inside = true;
          break;
        }
      }
      if (inside) total += statCpuSeconds(`/proc/${pid}/stat`) ?? 0;
    }
    return total;
  } catch {
    return undefined;
  }
}

/** Fields after the ")" that ends the command name: [0] = state (field 3 of proc(5)), [1] = ppid, [11] = utime… */
function statFields(path: string): string[] | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process or thread exited meanwhile
  }
}

function statCpuSeconds(path: string): number | undefined {
  const fields = statFields(path);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS : undefined;
}

/** Whole-machine CPU seconds busy and total (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}
