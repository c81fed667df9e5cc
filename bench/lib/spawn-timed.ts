import { spawn } from 'node:child_process';
import { childrenCpuMs } from './run-job.ts';

/** What one timed child process did. */
export interface TimedExit {
  /** spawn() → 'exit', in ms. */
  wallMs: number;
  /** performance.now() at the 'exit' event. */
  exitPerf: number;
  /** Date.now() at spawn and at exit, to line up with timestamps the child prints. */
  spawnedAt: number;
  exitedAt: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How to run a timed child. */
export interface SpawnOptions {
  cwd?: string;
  /** Killed (and the promise rejected) after this long; a hung child must not hang the bench. */
  timeoutMs?: number;
}

/**
 * Runs one command to its exit with stdout and stderr captured, timed from spawn() to the 'exit' event.
 * Rejects if it cannot start or runs past the timeout; a non-zero exit is the caller's to judge.
 */
export function spawnTimed(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<TimedExit> {
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let wallMs = 0;
    let exitPerf = 0;
    let exitedAt = 0;
    let code: number | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: still running after ${options.timeoutMs} ms, killed`));
    }, options.timeoutMs ?? 300_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // 'exit' is the end of the process (the time measured); 'close' comes once its pipes are drained.
    child.on('exit', (c, signal) => {
      exitPerf = performance.now();
      wallMs = exitPerf - t0;
      exitedAt = Date.now();
      code = c ?? (signal ? 128 : null);
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ wallMs, exitPerf, spawnedAt, exitedAt, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Wall and CPU time of a group of children started together. */
export interface TimedGroup {
  /** First spawn → last exit, in ms. */
  wallMs: number;
  /**
   * User + system CPU of every child and of whatever they waited for (their whole process tree, all
   * threads), in ms: the kernel adds a reaped child's times to its parent's cutime/cstime.
   */
  cpuMs: number;
  exits: TimedExit[];
}

/**
 * Starts the commands together and waits for all of them (what `xargs -P N` does), timed from the first
 * spawn to the last exit. CPU is this process's reaped-children time before and after (/proc/self/stat,
 * 10 ms ticks): no wrapper (`time`, `bash -c times`) sits on the timed path, and nothing else of the
 * bench spawns children while a trial runs.
 */
export async function spawnGroup(commands: readonly { command: string; args: readonly string[] }[], options: SpawnOptions = {}): Promise<TimedGroup> {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const exits = await Promise.all(commands.map((c) => spawnTimed(c.command, c.args, options)));
  const wallMs = Math.max(...exits.map((e) => e.exitPerf)) - t0;
  // A child's times reach cutime when it is reaped, which happened before its 'exit' event.
  return { wallMs, cpuMs: childrenCpuMs() - cpu0, exits };
}

/** Throws with the child's stderr when it did not exit 0. */
export function expectSuccess(exit: TimedExit, what: string): void {
  if (exit.code !== 0) {
    const tail = exit.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${what} exited ${exit.code}${tail ? `: ${tail}` : ''}`);
  }
}
