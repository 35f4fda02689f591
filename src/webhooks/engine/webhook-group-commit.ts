/** What `flush` answers for an item that must go in a batch of its own after this one (never awaited inside the flush). */
export const NEXT_BATCH: unique symbol = Symbol('NEXT_BATCH');

/**
 * Collects work from concurrent callers and runs it as one batch: whatever
 * arrives while a batch is being written goes into the next one. An idle
 * caller waits only for the next turn of the event loop; under load, batches
 * grow by themselves, and a statement carries many rows.
 */
export class WebhookGroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private running = false;
  private scheduled = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<Array<R | typeof NEXT_BATCH>>,
    private readonly maxBatch = 200,
  ) {}

  /** Resolves once the batch holding `item` is written, to what `flush` answered for it. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.kick();
    });
  }

  /** Resolves once nothing is waiting and no batch is being written. */
  async drain(): Promise<void> {
    while (this.running || this.scheduled || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private kick(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.next();
    });
  }

  private async next(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const results = await this.flush(batch.map((b) => b.item));
      // Sent back for the next batch: first in line, so its order among its own kind holds.
      const again = batch.filter((_, i) => results[i] === NEXT_BATCH);
      if (again.length > 0) this.queue.unshift(...again);
      batch.forEach((b, i) => {
        if (results[i] !== NEXT_BATCH) b.resolve(results[i] as R);
      });
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.kick();
    }
  }
}
