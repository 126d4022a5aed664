/**
 * The concurrency limit: at most `maxRunning` jobs run at once on this server; the rest wait in
 * a first-in, first-out queue of at most `maxQueued`.
 *
 * @internal
 * @module
 */

/** A FIFO queue with a limit on how many of its tasks run at once. */
export class JobQueue {
  readonly #maxRunning: number;
  readonly #maxQueued: number;
  readonly #waiting: { id: string; run: () => Promise<void> }[] = [];
  #running = 0;

  /**
   * @param maxRunning - tasks running at once
   * @param maxQueued - tasks waiting at most
   */
  constructor(maxRunning: number, maxQueued: number) {
    this.#maxRunning = maxRunning;
    this.#maxQueued = maxQueued;
  }

  /** Whether one more task would be refused. */
  get full(): boolean {
    return this.#running >= this.#maxRunning && this.#waiting.length >= this.#maxQueued;
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /**
   * Add a task: it runs now if a slot is free, else when one frees up.
   *
   * @param id - the job id
   * @param run - the task (never rejects)
   * @returns its position in the queue (0: running now)
   */
  add(id: string, run: () => Promise<void>): number {
    this.#waiting.push({ id, run });
    this.#next();
    return this.position(id) ?? 0;
  }

  /**
   * Take a waiting task out of the queue.
   *
   * @returns false when it is not waiting (running or unknown)
   */
  remove(id: string): boolean {
    const index = this.#waiting.findIndex((task) => task.id === id);
    if (index < 0) return false;
    this.#waiting.splice(index, 1);
    return true;
  }

  /** Tasks ahead of a waiting one plus one (1: next to run), or undefined when it is not waiting. */
  position(id: string): number | undefined {
    const index = this.#waiting.findIndex((task) => task.id === id);
    return index < 0 ? undefined : index + 1;
  }

  /** Ids of the waiting tasks, in order. */
  waiting(): string[] {
    return this.#waiting.map((task) => task.id);
  }

  #next(): void {
    while (this.#running < this.#maxRunning && this.#waiting.length > 0) {
      const task = this.#waiting.shift() as { id: string; run: () => Promise<void> };
      this.#running++;
      void task.run().finally(() => {
        this.#running--;
        this.#next();
      });
    }
  }
}
