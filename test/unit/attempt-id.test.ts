import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { newAttemptId } from '../../electron/engine/coordinator/attempt-id.ts';

describe('newAttemptId', () => {
  it('never repeats within a process', () => {
    const ids = Array.from({ length: 10_000 }, () => newAttemptId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/);
  });

  it('differs between processes (a resumed run must not reuse an id of the run it resumes)', () => {
    const script = `import('${new URL('../../electron/engine/coordinator/attempt-id.ts', import.meta.url).href}').then((m) => console.log(m.newAttemptId()))`;
    const one = () => execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
    const [a, b] = [one(), one()];
    expect(a).toMatch(/-1$/);
    expect(a).not.toBe(b);
  });
});
