import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildWorkerData, ParentMessage } from '../worker/protocol.ts';
import { DEFAULT_REPORTER_LIMITS } from '../worker/reporter.ts';
import { cancelled, childFailed, describeReason, fromChildExit, fromWire, interrupted } from './attempt-errors.ts';
import { deliverBatch } from './attempt-router.ts';
import type { AttemptHooks, AttemptRequest } from './executor.ts';
import { forEachLine } from './line-splitter.ts';

/** How a child is started and watched. */
export interface ChildWorkerOptions {
  entry: URL;
  memoryLimitMb: number;
  /** Runs many attempts, one after another (isolation `process`), or one and exits. */
  reused: boolean;
  env: NodeJS.ProcessEnv;
  /** How long an aborted attempt may react to ctx.signal before the child is SIGKILLed. */
  abortGraceMs: number;
}

/** How an attempt on a child ended, as its pool needs to know. */
export interface AttemptEnd {
  /** The child can take another attempt. */
  reusable: boolean;
}

/** After 'exit', stdio is given this long to drain (the heap-OOM message) before the failure is classified. */
const DRAIN_MS = 200;
/** A single-use child exits by itself after its outcome; one that lingers past this is killed. */
const REAP_AFTER_MS = 2_000;
const STDERR_TAIL_LINES = 20;

/** The attempt a child is running, and how to settle it. */
interface Current {
  request: AttemptRequest;
  hooks: AttemptHooks;
  resolve(output: Uint8Array): void;
  reject(error: Error): void;
  onAbort(): void;
  rawLines: number;
  settled: boolean;
  end(reusable: boolean): void;
}

/**
 * One forked child process (same Node binary, `--max-old-space-size` from the attempt, 'advanced' IPC
 * serialisation so Uint8Arrays cross intact) and the attempts it runs, one at a time. Batches and raw
 * stdout/stderr lines go to the current attempt's hooks; an exit without an outcome fails it, classified
 * by exit code, signal and the heap-OOM message on stderr. IPC is ordered, so every batch arrives before
 * its outcome.
 */
export class ChildWorker {
  readonly process: ChildProcess;
  /** Resolves when the child listens for attempts; rejects if it dies first. */
  readonly ready: Promise<void>;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
  readonly #options: ChildWorkerOptions;
  #current: Current | null = null;
  #stderrTail: string[] = [];
  #attempts = 0;

  constructor(options: ChildWorkerOptions) {
    this.#options = options;
    const data: ChildWorkerData = { reused: options.reused };
    const child = fork(fileURLToPath(options.entry), [JSON.stringify(data)], {
      // The coordinator's own execArgv (test runners, inspectors) is not for attempts.
      execPath: process.execPath,
      execArgv: [`--max-old-space-size=${options.memoryLimitMb}`],
      env: options.env,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.process = child;
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Spawn failures and IPC errors arrive here; the attempt using the child reports them.
    child.on('error', (err) => {
      child.kill('SIGKILL');
      if (this.#current) this.#fail(childFailed(this.#current.request, err));
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: ChildMessage): void => {
        if (message.type !== 'ready') return;
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
      child.once('exit', () => reject(new Error('the child process exited before it was ready')));
    });
    this.ready.catch(() => {});
    if (child.stdout) forEachLine(child.stdout, (line) => this.#rawLine('stdout', line));
    if (child.stderr) forEachLine(child.stderr, (line) => this.#rawLine('stderr', line));
    child.on('message', (message: ChildMessage) => this.#onMessage(message));
    child.once('exit', (code, signal) => this.#onExit(code, signal));
  }

  /** True while the process can take an attempt. */
  get alive(): boolean {
    const child = this.process;
    return child.exitCode === null && child.signalCode === null && child.connected;
  }

  /** Attempts handed to this child so far. */
  get attempts(): number {
    return this.#attempts;
  }

  /** Whether the child keeps the coordinator's process alive (only while it runs an attempt). */
  setRef(ref: boolean): void {
    const child = this.process;
    for (const handle of [child, child.channel, child.stdout, child.stderr] as ({ ref?(): void; unref?(): void } | null | undefined)[]) {
      if (ref) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  /**
   * Runs one attempt on this child. `onEnd` is called once the attempt is over for the child (its
   * outcome arrived, or the child died or was killed), saying whether the child may run another.
   */
  run(request: AttemptRequest, hooks: AttemptHooks, onEnd: (end: AttemptEnd) => void): Promise<Uint8Array> {
    this.#attempts++;
    this.#stderrTail = [];
    return new Promise<Uint8Array>((resolve, reject) => {
      const current: Current = {
        request,
        hooks,
        resolve,
        reject,
        rawLines: 0,
        settled: false,
        onAbort: () => {
          if (!this.#settle(current)) return;
          reject(cancelled(request, hooks.signal.reason));
          this.#send({ type: 'abort', attemptId: request.attemptId, reason: describeReason(hooks.signal.reason) });
          // An aborted attempt may still return within the grace; either way this child is done.
          this.#killLater(this.#options.abortGraceMs);
        },
        end: (reusable) => {
          if (this.#current !== current) return;
          this.#current = null;
          onEnd({ reusable });
        },
      };
      this.#current = current;
      hooks.signal.addEventListener('abort', current.onAbort, { once: true });
      this.ready.then(
        () => {
          if (!current.settled) this.#send({ type: 'run', task: request });
        },
        () => {
          // Died during start-up: the exit handler reports it.
        },
      );
    });
  }

  /** Kills the child now; a running attempt rejects with DPROC_E_INTERRUPTED. */
  kill(): void {
    const current = this.#current;
    if (current && this.#settle(current)) current.reject(interrupted(current.request));
    this.process.kill('SIGKILL');
  }

  #settle(current: Current): boolean {
    if (current.settled) return false;
    current.settled = true;
    current.hooks.signal.removeEventListener('abort', current.onAbort);
    return true;
  }

  #fail(error: Error): void {
    const current = this.#current;
    if (current && this.#settle(current)) current.reject(error);
  }

  #onMessage(message: ChildMessage): void {
    const current = this.#current;
    if (!current) return;
    if (message.type === 'batch') {
      if (!current.settled) deliverBatch(current.hooks, message.batch);
      return;
    }
    if (message.type !== 'done') return;
    const { outcome } = message;
    const reusable = this.#options.reused && !outcome.retire && !current.settled;
    if (this.#settle(current)) {
      deliverBatch(current.hooks, outcome.tail);
      if (outcome.ok) current.resolve(outcome.output);
      else current.reject(fromWire(outcome.error, current.request));
    }
    if (!reusable) this.#killLater(this.#options.reused ? 0 : REAP_AFTER_MS);
    current.end(reusable);
  }

  // Raw output: what the processor wrote past console (process.stdout.write, native code) and what
  // Node itself prints when it dies. The stderr tail identifies a heap OOM.
  #rawLine(stream: 'stdout' | 'stderr', line: string): void {
    if (stream === 'stderr') {
      this.#stderrTail.push(line);
      if (this.#stderrTail.length > STDERR_TAIL_LINES) this.#stderrTail.shift();
    }
    const current = this.#current;
    if (!current || current.settled) return;
    current.rawLines++;
    if (current.rawLines <= DEFAULT_REPORTER_LIMITS.maxLines) current.hooks.onLog(stream, line);
    else if (current.rawLines === DEFAULT_REPORTER_LIMITS.maxLines + 1) current.hooks.onLog('log', '[dproc] raw output truncated');
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const current = this.#current;
    if (!current) return;
    if (current.settled) return current.end(false);
    // Classify once stdio has drained (the heap-OOM message comes last), without waiting on a grandchild
    // that may hold the pipes open.
    const classify = (): void => {
      this.#fail(fromChildExit(current.request, code, signal, this.#stderrTail));
      current.end(false);
    };
    const timer = setTimeout(classify, DRAIN_MS);
    this.process.once('close', () => {
      clearTimeout(timer);
      classify();
    });
  }

  #send(message: ParentMessage): void {
    const child = this.process;
    if (!child.connected) return;
    // A failed send means the child is dying: its exit is what gets reported.
    child.send(message, (err) => {
      if (err) child.kill('SIGKILL');
    });
  }

  #killLater(ms: number): void {
    if (ms <= 0) {
      this.process.kill('SIGKILL');
      return;
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), ms);
    timer.unref();
    void this.exited.then(() => clearTimeout(timer));
  }
}
