import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunOwner } from './types.ts';

/** When process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat); undefined off Linux. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after its last ')'.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** This process as a run owner. */
export function currentOwner(): RunOwner {
  const started = processStartTicks(process.pid);
  return { pid: process.pid, host: hostname(), ...(started !== undefined ? { started } : {}) };
}

/**
 * Whether a run's owner process still exists. Only ESRCH from signal 0 proves it is gone: EPERM means
 * it exists under another user, and a process on another host cannot be checked, so it counts as alive
 * (the safe answer: a wrong "alive" blocks a resume, a wrong "dead" lets two processes drive one run).
 * A process with the owner's pid but another start time is a later process that got a recycled pid:
 * the owner is dead. (Where start times are unknown, such a process still reads as the owner.)
 */
export function isOwnerAlive(owner: RunOwner): boolean {
  // kill(0 or negative) would signal a whole process group and always "succeed": never a real owner.
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  if (owner.started === undefined) return true;
  const started = processStartTicks(owner.pid);
  return started === undefined || started === owner.started;
}
