import { interrupted } from './attempt-errors.ts';
import type { AttemptHooks, AttemptRequest } from './executor.ts';

/** Anything that runs attempts and can be closed. */
export interface AttemptPool {
  run(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array>;
  expect?(upcoming: number): void;
  close(): Promise<void>;
}

/**
 * One pool per heap limit, created on first use. A worker thread's heap limit is fixed when it starts
 * (resourceLimits), so attempts with different `memoryLimitMb` cannot share threads; jobs use few
 * distinct limits, so a pool per limit stays small.
 */
export class PoolsByMemoryLimit {
  readonly #create: (memoryLimitMb: number) => AttemptPool;
  readonly #pools = new Map<number, AttemptPool>();
  /** The latest forecast, for pools created after it. */
  #upcoming: number | undefined;
  #closed = false;

  constructor(create: (memoryLimitMb: number) => AttemptPool) {
    this.#create = create;
  }

  /** Runs an attempt in the pool for its memory limit. */
  run(request: AttemptRequest, hooks: AttemptHooks): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(interrupted(request));
    return this.#poolFor(request.memoryLimitMb).run(request, hooks);
  }

  #poolFor(memoryLimitMb: number): AttemptPool {
    let pool = this.#pools.get(memoryLimitMb);
    if (!pool) {
      pool = this.#create(memoryLimitMb);
      if (this.#upcoming !== undefined) pool.expect?.(this.#upcoming);
      this.#pools.set(memoryLimitMb, pool);
    }
    return pool;
  }

  /**
   * Passes the forecast to every pool. It does not say which heap limit the upcoming attempts have, so
   * with several limits in use each pool may keep spares for them; jobs rarely mix limits.
   */
  expect(upcoming: number, memoryLimitMb?: number): void {
    this.#upcoming = upcoming;
    // Attempts of this heap limit are about to come: its pool starts its workers now.
    if (memoryLimitMb !== undefined && upcoming > 0 && !this.#closed) this.#poolFor(memoryLimitMb);
    for (const pool of this.#pools.values()) pool.expect?.(upcoming);
  }

  /** Closes every pool. */
  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
