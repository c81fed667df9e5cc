import type { ChildMessage, ParentMessage } from '../worker/protocol.ts';
import { DEFAULT_REPORTER_LIMITS } from '../worker/reporter.ts';
import { cancelled, childFailed, describeReason, fromChildExit, fromWire, interrupted } from './attempt-errors.ts';
import { deliverBatch } from './attempt-router.ts';
import type { LaunchedChild } from './child-launcher.ts';
import type { AttemptHooks, AttemptRequest } from './executor.ts';
import { forEachLine } from './line-splitter.ts';

/** How one child-process attempt is watched. */
export interface ChildAttemptOptions {
  /** How long an aborted attempt may react to ctx.signal before the child is SIGKILLed. */
  abortGraceMs: number;
}

/** A running child attempt as its executor sees it. */
export interface ChildAttempt {
  readonly result: Promise<Uint8Array>;
  /** Rejects the attempt with DPROC_E_INTERRUPTED and kills the child now (used by close()). */
  interrupt(): void;
  /** Resolves once the child process has exited. */
  readonly exited: Promise<void>;
}

/** After the outcome, a child exits by itself; one that lingers past this is killed. */
const REAP_AFTER_MS = 2_000;
/** After 'exit', stdio is given this long to drain (the heap-OOM message) before the failure is classified. */
const DRAIN_MS = 200;
const STDERR_TAIL_LINES = 20;

/**
 * Runs one attempt in `launched`: sends the request when the child is ready, relays batches and raw
 * stdout/stderr lines to the hooks, and turns how the child ended (outcome, exit code, signal, heap OOM
 * message) into the attempt's result. IPC is ordered, so every batch arrives before the outcome.
 */
export function runInChild(
  launched: LaunchedChild,
  request: AttemptRequest,
  hooks: AttemptHooks,
  options: ChildAttemptOptions,
): ChildAttempt {
  const child = launched.process;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let settled = false;
  let resolveResult!: (output: Uint8Array) => void;
  let rejectResult!: (error: Error) => void;
  const result = new Promise<Uint8Array>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  const timers: ReturnType<typeof setTimeout>[] = [];
  const killLater = (ms: number): void => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    timer.unref();
    timers.push(timer);
  };
  void exited.then(() => timers.forEach(clearTimeout));

  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    hooks.signal.removeEventListener('abort', onAbort);
    return true;
  };

  // Raw output: what the processor wrote past console (process.stdout.write, native code) and what
  // Node itself prints when it dies. The stderr tail identifies a heap OOM.
  const stderrTail: string[] = [];
  let rawLines = 0;
  const rawLine = (stream: 'stdout' | 'stderr') => (line: string) => {
    if (stream === 'stderr') {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    }
    if (settled) return;
    rawLines++;
    if (rawLines <= DEFAULT_REPORTER_LIMITS.maxLines) hooks.onLog(stream, line);
    else if (rawLines === DEFAULT_REPORTER_LIMITS.maxLines + 1) hooks.onLog('log', '[dproc] raw output truncated');
  };
  if (child.stdout) forEachLine(child.stdout, rawLine('stdout'));
  if (child.stderr) forEachLine(child.stderr, rawLine('stderr'));

  child.on('message', (message: ChildMessage) => {
    if (message.type === 'batch') {
      if (!settled) deliverBatch(hooks, message.batch);
    } else if (message.type === 'done') {
      killLater(REAP_AFTER_MS);
      if (!settle()) return;
      const { outcome } = message;
      deliverBatch(hooks, outcome.tail);
      if (outcome.ok) resolveResult(outcome.output);
      else rejectResult(fromWire(outcome.error, request));
    }
  });

  child.on('error', (err) => {
    child.kill('SIGKILL');
    if (settle()) rejectResult(childFailed(request, err));
  });

  child.once('exit', (code, signal) => {
    if (settled) return;
    // Classify once stdio has drained (the heap-OOM message comes last), without waiting on a grandchild
    // that may hold the pipes open.
    const classify = (): void => {
      if (settle()) rejectResult(fromChildExit(request, code, signal, stderrTail));
    };
    const timer = setTimeout(classify, DRAIN_MS);
    child.once('close', () => {
      clearTimeout(timer);
      classify();
    });
  });

  const send = (message: ParentMessage): void => {
    if (!child.connected) return;
    // A failed send means the child is dying: its exit is what gets reported.
    child.send(message, (err) => {
      if (err) child.kill('SIGKILL');
    });
  };

  function onAbort(): void {
    if (!settle()) return;
    rejectResult(cancelled(request, hooks.signal.reason));
    send({ type: 'abort', attemptId: request.attemptId, reason: describeReason(hooks.signal.reason) });
    killLater(options.abortGraceMs);
  }
  hooks.signal.addEventListener('abort', onAbort, { once: true });

  launched.ready.then(
    () => {
      if (!settled) send({ type: 'run', task: request });
    },
    () => {
      // Died during start-up: the exit handler reports it.
    },
  );

  return {
    result,
    exited,
    interrupt(): void {
      child.kill('SIGKILL');
      if (settle()) rejectResult(interrupted(request));
    },
  };
}
