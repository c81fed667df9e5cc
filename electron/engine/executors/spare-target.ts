/**
 * How many started-but-unused workers an executor keeps: its configured spares, lowered by the
 * coordinator's forecast of attempts about to start (Executor.expect). Until a forecast arrives, all of
 * them, as an executor used on its own expects.
 */
export class SpareTarget {
  readonly #max: number;
  #upcoming = Infinity;

  constructor(max: number) {
    this.#max = max;
  }

  /** Records the latest forecast; returns true when it raised the target (spares may need starting). */
  expect(upcoming: number): boolean {
    const before = this.wanted;
    this.#upcoming = Math.max(0, upcoming);
    return this.wanted > before;
  }

  /** Spares to keep now. */
  get wanted(): number {
    return Math.min(this.#max, this.#upcoming);
  }
}
