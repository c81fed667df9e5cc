// An error thrown from a processor's callback (a timer, an event handler) or a promise it left rejected
// with no handler is still the processor's failure. Node would end the thread or process for it; a
// worker instead fails the attempt that is running, and one that arrives between attempts (nothing can
// be blamed) is reported on stderr and otherwise ignored, so it never reaches the next attempt.

type StrayListener = (err: unknown) => void;

// The real one, taken before a reused worker wraps the timers (attempt-timers.ts) for its attempts.
const { setImmediate } = process.getBuiltinModule('node:timers');

let listener: StrayListener | null = null;
let idle: StrayListener = (err) => {
  process.stderr.write(`dproc: an error outside any attempt was ignored: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
};
let installed = false;

function onStray(err: unknown): void {
  (listener ?? idle)(err);
}

/** Installs the process-wide handlers (once per worker). `whenIdle` handles strays between attempts. */
export function installStrayErrorGuard(whenIdle?: StrayListener): void {
  if (whenIdle) idle = whenIdle;
  if (installed) return;
  installed = true;
  process.on('uncaughtException', onStray);
  process.on('unhandledRejection', onStray);
}

/**
 * Runs `body` as the current attempt: a stray error while it runs rejects the returned promise with it.
 * Before settling, one macrotask turn passes, so that a promise the processor left rejected is noticed
 * within its own attempt (Node reports unhandled rejections only once the microtask queue is empty).
 */
export function guardStrays<T>(body: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let stray: { err: unknown } | null = null;
    const own: StrayListener = (err) => {
      if (stray) return;
      stray = { err };
      listener = null;
      reject(err);
    };
    listener = own;
    const settle = (finish: () => void): void => {
      setImmediate(() => {
        if (listener === own) listener = null;
        if (!stray) finish();
      });
    };
    body().then(
      (value) => settle(() => resolve(value)),
      (err: unknown) => settle(() => reject(err)),
    );
  });
}
