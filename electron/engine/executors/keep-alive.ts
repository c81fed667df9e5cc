/**
 * Awaits `work` while holding the event loop open. Idle workers and spare children are unref'd so they
 * never keep the coordinator alive; but then, while close() waits for their 'exit', nothing else may
 * be keeping the loop alive, and Node would quit mid-await (exit code 13 under a top-level await).
 */
export async function keepAliveWhile<T>(work: Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 60_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
