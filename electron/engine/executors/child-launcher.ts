import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from '../worker/protocol.ts';
import { onceAfterTurn } from './once-after-turn.ts';
import { SpareTarget } from './spare-target.ts';
import { workerEnv } from './worker-env.ts';

/** A forked child process and the promise of its 'ready' message. */
export interface LaunchedChild {
  readonly process: ChildProcess;
  /** Resolves when the child listens for its attempt; rejects if it dies first. */
  readonly ready: Promise<void>;
}

/** Where children start from and how many to keep warm per heap limit. */
export interface ChildLauncherOptions {
  entry: URL;
  /**
   * Started-but-unused children kept per memory limit in use, so an attempt rarely waits for Node to
   * boot; no more than the coordinator forecasts (expect()).
   */
  spares: number;
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.connected;
}

// Spares must not keep the coordinator's process alive; a taken child must (its attempt is pending).
function setRef(child: ChildProcess, ref: boolean): void {
  const handles = [child, child.channel, child.stdout, child.stderr] as ({ ref?(): void; unref?(): void } | null | undefined)[];
  for (const handle of handles) {
    if (ref) handle?.ref?.();
    else handle?.unref?.();
  }
}

/**
 * Forks attempt children (same Node binary, `--max-old-space-size` from the attempt, 'advanced' IPC
 * serialisation so Uint8Arrays cross intact) and keeps a few started ahead per memory limit.
 */
export class ChildLauncher {
  readonly #options: ChildLauncherOptions;
  readonly #spares = new Map<number, LaunchedChild[]>();
  readonly #target: SpareTarget;
  readonly #scheduleTopUp = onceAfterTurn(() => this.#topUp());
  #closed = false;

  constructor(options: ChildLauncherOptions) {
    this.#options = options;
    this.#target = new SpareTarget(options.spares);
  }

  /** The coordinator's forecast of attempts about to start: spares beyond it are not forked. */
  expect(upcoming: number): void {
    if (this.#target.expect(upcoming)) this.#scheduleTopUp();
  }

  /** A started child for one attempt with this heap limit (a warm spare when one is available). */
  take(memoryLimitMb: number): LaunchedChild {
    const spares = this.#spares.get(memoryLimitMb) ?? [];
    this.#spares.set(memoryLimitMb, spares);
    let launched: LaunchedChild | undefined;
    while ((launched = spares.shift()) !== undefined && !alive(launched.process)) launched.process.kill('SIGKILL');
    launched ??= this.#fork(memoryLimitMb);
    setRef(launched.process, true);
    this.#scheduleTopUp();
    return launched;
  }

  /** Kills the spares (children already taken belong to their attempts) and resolves once they are gone. */
  async close(): Promise<void> {
    this.#closed = true;
    const spares = [...this.#spares.values()].flat();
    this.#spares.clear();
    await Promise.all(
      spares.map(({ process: child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
  }

  #topUp(): void {
    for (const [memoryLimitMb, spares] of this.#spares) {
      while (!this.#closed && spares.length < this.#target.wanted) {
        const spare = this.#fork(memoryLimitMb);
        setRef(spare.process, false);
        spares.push(spare);
      }
    }
  }

  #fork(memoryLimitMb: number): LaunchedChild {
    const child = fork(fileURLToPath(this.#options.entry), [], {
      // The coordinator's own execArgv (test runners, inspectors) is not for attempts.
      execPath: process.execPath,
      execArgv: [`--max-old-space-size=${memoryLimitMb}`],
      env: workerEnv(),
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // Spawn failures and IPC errors arrive here; an attempt using the child reports them through its exit.
    child.on('error', () => {});
    child.stdout?.on('error', () => {});
    child.stderr?.on('error', () => {});
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: ChildMessage): void => {
        if (message.type !== 'ready') return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve();
      };
      const onExit = (): void => reject(new Error('the child process exited before it was ready'));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    ready.catch(() => {});
    return { process: child, ready };
  }
}
