/** FIFO of task ids waiting for a free slot; O(1) push and shift even with 100,000 entries. */
export class ReadyQueue {
  private items: string[] = [];
  private head = 0;

  push(id: string): void {
    this.items.push(id);
  }

  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const id = this.items[this.head++];
    // Compact now and then so a long run does not keep every id it ever queued.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return id;
  }

  /** Calls `visit` on the ids at the front, without removing them, until it returns false or `max` were seen. */
  peek(max: number, visit: (id: string) => boolean): void {
    const end = Math.min(this.items.length, this.head + max);
    for (let i = this.head; i < end; i++) if (!visit(this.items[i])) return;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
