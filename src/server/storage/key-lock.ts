/**
 * One-at-a-time sections per key, within this process: the commit step of a write or delete
 * (precondition check, rename, sidecar) runs alone for its key, so concurrent writers to one key
 * commit one after the other and the last complete version wins whole.
 *
 * @internal
 * @module
 */

/** Serialises async sections by key. */
export class KeyLock {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Run `section` once every earlier section for `key` has finished.
   *
   * @param key - what the section touches
   * @param section - the work
   */
  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chained = previous.then(() => tail);
    this.#tails.set(key, chained);
    await previous;
    try {
      return await section();
    } finally {
      release();
      if (this.#tails.get(key) === chained) this.#tails.delete(key);
    }
  }
}
