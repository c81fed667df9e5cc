import { describe, expect, it } from 'vitest';
import { backoffDelay, canRetry } from '../../electron/engine/coordinator/retry-policy.ts';

describe('RetryPolicy', () => {
  it('doubles the backoff per retry and caps it', () => {
    const t = { backoffMs: 500, maxBackoffMs: 3000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(t, n))).toEqual([500, 1000, 2000, 3000, 3000]);
  });
  it('does not overflow for very late retries', () => {
    expect(backoffDelay({ backoffMs: 1, maxBackoffMs: 10 }, 5000)).toBe(10);
  });
  it('allows `retries` retries after the first attempt', () => {
    expect([1, 2, 3, 4].map((n) => canRetry({ retries: 2 }, n))).toEqual([true, true, false, false]);
  });
});
