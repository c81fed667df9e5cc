// Robust summaries of repeated measurements: on a shared 2-core machine one repetition can be 3x off,
// so the median (not the mean) is the headline and the range is shown beside it.

/** Repeated samples of one figure and their median, min and max. */
export interface Sampled {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/** Median of the samples (mean of the middle two for an even count): one noisy repetition cannot move it far. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median, min and max of the samples, with the samples kept for --json. */
export function summarise(samples: readonly number[]): Sampled {
  return {
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    samples: [...samples],
  };
}

/** Tasks per second for `tasks` done in `ms` milliseconds. */
export function perSecond(tasks: number, ms: number): number {
  return tasks / (ms / 1000);
}
