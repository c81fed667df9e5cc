/** One repeated measurement: each call of `run` gives one sample. */
export interface Trial<T> {
  id: string;
  run: () => Promise<T>;
  /** A short text for the progress line, from a sample. */
  describe?: (sample: T) => string;
}

/** The samples of one trial, or the error that stopped it. */
export interface TrialResult<T> {
  samples: T[];
  error?: unknown;
}

/** Progress goes to stderr, so that stdout stays the table (or the JSON) alone. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/**
 * Runs the trials round-robin `reps` times (A B C, A B C, ...), so that a burst of load from another
 * process on this shared machine hits every trial alike and ratios between them stay fair. A trial that
 * throws is not repeated; its error is kept for the table.
 */
export async function interleave<T>(reps: number, trials: Trial<T>[]): Promise<Map<string, TrialResult<T>>> {
  const results = new Map<string, TrialResult<T>>(trials.map((t) => [t.id, { samples: [] }]));
  for (let rep = 1; rep <= reps; rep++) {
    for (const trial of trials) {
      const result = results.get(trial.id)!;
      if (result.error !== undefined) continue;
      try {
        const sample = await trial.run();
        result.samples.push(sample);
        progress(`${trial.id} ${rep}/${reps}${trial.describe ? `: ${trial.describe(sample)}` : ''}`);
      } catch (err) {
        result.error = err ?? new Error('unknown failure');
        progress(`${trial.id} ${rep}/${reps}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return results;
}
