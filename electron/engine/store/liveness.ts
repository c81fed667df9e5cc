import { hostname } from 'node:os';
import type { RunOwner } from './types.ts';

/** This process as a run owner. */
export function currentOwner(): RunOwner {
  return { pid: process.pid, host: hostname() };
}

/**
 * Whether a run's owner process still exists. Only ESRCH from signal 0 proves it is gone: EPERM means
 * it exists under another user, and a process on another host cannot be checked, so it counts as alive
 * (the safe answer: a wrong "alive" blocks a resume, a wrong "dead" lets two processes drive one run).
 * Known limit: a recycled pid makes a dead owner look alive until the run is claimed explicitly.
 */
export function isOwnerAlive(owner: RunOwner): boolean {
  // kill(0 or negative) would signal a whole process group and always "succeed": never a real owner.
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
