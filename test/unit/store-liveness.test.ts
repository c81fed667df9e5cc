import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { currentOwner, isOwnerAlive, processStartTicks } from '../../electron/engine/store/liveness.ts';

describe('isOwnerAlive', () => {
  it('says this process is alive', () => {
    expect(isOwnerAlive({ pid: process.pid, host: hostname() })).toBe(true);
  });

  it('says a child that is still running is alive, and dead once it has exited', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    await new Promise((r) => child.once('spawn', r));
    const owner = { pid: child.pid!, host: hostname() };
    expect(isOwnerAlive(owner)).toBe(true);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(isOwnerAlive(owner)).toBe(false);
  });

  it('tells the owner from a later process that got its pid: a different start time means the owner is dead', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    await new Promise((r) => child.once('spawn', r));
    try {
      const started = processStartTicks(child.pid!);
      expect(started).toBeGreaterThan(0);
      expect(isOwnerAlive({ pid: child.pid!, host: hostname(), started })).toBe(true);
      expect(isOwnerAlive({ pid: child.pid!, host: hostname(), started: started! - 1 })).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('records this process with its start time', () => {
    expect(currentOwner()).toEqual({ pid: process.pid, host: hostname(), started: processStartTicks(process.pid) });
    expect(processStartTicks(process.pid)).toBeGreaterThan(0);
  });

  it('counts a process of another user (EPERM) as alive', () => {
    // pid 1 always exists; as root signal 0 succeeds, as anyone else it is EPERM: alive either way.
    expect(isOwnerAlive({ pid: 1, host: hostname() })).toBe(true);
  });

  it('counts an owner on another host as alive, since it cannot be checked from here', () => {
    expect(isOwnerAlive({ pid: 2 ** 22 + 12345, host: `not-${hostname()}` })).toBe(true);
  });
});
