import { clearTrackedTimers, installTimerTracking, trackTimers } from './attempt-timers.ts';
import { installFreshModuleHooks } from './fresh-module-hooks.ts';
import { GlobalState } from './global-state.ts';
import { prepareFresh, type FreshProcessor } from './fresh-processor.ts';

// Everything a reused worker (isolation `pooled` or `process`) does so that each attempt starts as if
// the worker were new: a fresh instance of the processor's own modules, the timers it left cleared, and
// (`process` only) globalThis, the built-ins, process.env and process listeners put back. Packages from node_modules are
// loaded once and kept (that is the point of reusing a worker); what they set up when first loaded
// (a polyfill, dotenv's variables) is part of the state every attempt starts from.

/**
 * New ES modules a worker may accumulate from fresh instances (processors with local imports) before it
 * retires: each costs a few KB that V8 never frees. At 2 modules per attempt, a worker is replaced
 * every 2,500 attempts.
 */
const MAX_LEFTOVER_MODULES = 5_000;

/** A reused worker's per-attempt reset; one per worker, created once its own set-up is done. */
export class AttemptReset {
  /** Null when globals are not put back (`pooled`: checking them costs more than a no-op attempt). */
  #baseline: GlobalState | null;
  readonly #prepared = new Map<string, Promise<FreshProcessor>>();
  /** Processors prepared already, and warned about if need be: the per-attempt path takes no await. */
  readonly #ready = new Map<string, FreshProcessor>();
  readonly #warned = new Set<string>();
  #leftoverModules = 0;

  /**
   * `globals`: put globalThis, the built-ins, process.env and process listeners back after every attempt
   * (~100-200 µs of CPU per attempt here, a worker's whole cost for a no-op attempt; `process` does,
   * `pooled` does not).
   */
  constructor(options: { globals: boolean }) {
    installFreshModuleHooks();
    installTimerTracking();
    this.#baseline = options.globals ? GlobalState.capture() : null;
  }

  /**
   * The processor's fresh-instance maker, prepared on first use in this worker. Preparing loads its
   * packages, whose own set-up then joins the state every attempt starts from.
   */
  prepare(path: string): FreshProcessor | Promise<FreshProcessor> {
    return this.#ready.get(path) ?? this.#prepare(path);
  }

  async #prepare(path: string): Promise<FreshProcessor> {
    let prepared = this.#prepared.get(path);
    if (!prepared) {
      prepared = prepareFresh(path).then((fresh) => {
        if (this.#baseline) this.#baseline = GlobalState.capture();
        return fresh;
      });
      this.#prepared.set(path, prepared);
      // A failure is the attempt's; the next attempt tries again (the file may have been fixed).
      prepared.catch(() => this.#prepared.delete(path));
    }
    const fresh = await prepared;
    if (fresh.sharedBecause && !this.#warned.has(path)) {
      this.#warned.add(path);
      console.warn(
        `dproc: this worker cannot give ${path} a fresh module instance per attempt (${fresh.sharedBecause}); ` +
          'its module-level state is shared by the attempts that run on the same worker. Use isolation "thread" if that matters.',
      );
    }
    this.#ready.set(path, fresh);
    return fresh;
  }

  /** The attempt's own code runs from now on: its timers are tracked. */
  begin(): void {
    trackTimers();
  }

  /**
   * The attempt is over: clears its timers and puts the global state back. Returns true when the worker
   * should retire: it could not be put back as it was, or fresh instances have left too many modules.
   */
  end(fresh: FreshProcessor | undefined): boolean {
    clearTrackedTimers();
    const stuck = this.#baseline?.restore().stuck.length ?? 0;
    this.#leftoverModules += fresh?.modulesPerInstance ?? 0;
    return stuck > 0 || this.#leftoverModules > MAX_LEFTOVER_MODULES;
  }
}
