/**
 * Lets attempts into a big thread pool only as fast as its threads finish booting. Piscina starts a
 * thread for every attempt it cannot place at once, so 200 attempts on a 200-thread pool used to start
 * 200 threads together: on 2 cores the coordinator and the UI then got 1/200th of the CPU each, and the
 * first screen of the run took ~13 s. Through this gate, at most `budget` attempts wait in the pool
 * beyond its ready threads, so about that many threads boot at a time and the first attempts start at once.
 */
export class BootThrottle {
  readonly #budget: number;
  readonly #waiting: (() => void)[] = [];
  #inPool = 0;
  #ready = 0;
  #closed = false;

  /** `budget`: threads allowed to boot at once; Infinity lets everything through (small pools). */
  constructor(budget: number) {
    this.#budget = budget;
  }

  /**
   * Calls `submit` now if the pool can take another attempt, else as soon as it can. Returns `withdraw`:
   * true if the attempt was still waiting here (it is then never submitted).
   */
  admit(submit: () => void): () => boolean {
    if (this.#waiting.length === 0 && this.#hasRoom()) {
      this.#inPool++;
      submit();
      return () => false;
    }
    this.#waiting.push(submit);
    return () => {
      const i = this.#waiting.indexOf(submit);
      if (i < 0) return false;
      this.#waiting.splice(i, 1);
      return true;
    };
  }

  /** An admitted attempt has left the pool (it settled, one way or the other). */
  left(): void {
    this.#inPool--;
    this.#drain();
  }

  /** A thread of the pool is ready for attempts. */
  threadReady(): void {
    this.#ready++;
    this.#drain();
  }

  /** A thread of the pool is gone. */
  threadGone(): void {
    this.#ready = Math.max(0, this.#ready - 1);
  }

  /** Drops whatever still waits; nothing is submitted after this. */
  close(): void {
    this.#closed = true;
    this.#waiting.length = 0;
  }

  #hasRoom(): boolean {
    return this.#inPool < this.#ready + this.#budget;
  }

  #drain(): void {
    while (!this.#closed && this.#waiting.length > 0 && this.#hasRoom()) {
      this.#inPool++;
      this.#waiting.shift()!();
    }
  }
}
