import { randomBytes } from 'node:crypto';

/** A run id that sorts by creation time and reads well in a terminal: `20261124-003800-7f3a9c`. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString(); // 2026-11-24T00:38:00.123Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
