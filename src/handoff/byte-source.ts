/**
 * Reading a web stream by exact byte counts, as archive parsers need: whole blocks, or a run of
 * bytes handed on in the chunks they arrived in.
 *
 * @internal
 * @module
 */
import { FormatError } from '../par/errors.js';

const EMPTY = new Uint8Array(0);

/** A buffered reader over a byte stream. */
export class ByteSource {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer: Uint8Array = EMPTY;
  #ended = false;

  /** @param stream - the bytes */
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  async #fill(): Promise<boolean> {
    if (this.#ended) return false;
    const { value, done } = await this.#reader.read();
    if (done) {
      this.#ended = true;
      return false;
    }
    this.#buffer = this.#buffer.length === 0 ? value : concat(this.#buffer, value);
    return true;
  }

  /**
   * Exactly `length` bytes, or undefined at the very end of the stream.
   *
   * @param length - how many
   * @param what - what is being read, for the error
   * @throws FormatError when the stream ends part-way
   */
  async exactly(length: number, what: string): Promise<Uint8Array | undefined> {
    while (this.#buffer.length < length) {
      if (!(await this.#fill())) {
        if (this.#buffer.length === 0) return undefined;
        throw new FormatError(`the archive ends in the middle of ${what}`, { field: 'tar' });
      }
    }
    const out = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return out;
  }

  /**
   * The next `length` bytes as chunks (no copy beyond what the stream gave).
   *
   * @param length - how many
   * @param what - what is being read, for the error
   * @throws FormatError when the stream ends part-way
   */
  async *run(length: number, what: string): AsyncGenerator<Uint8Array> {
    let left = length;
    while (left > 0) {
      if (this.#buffer.length === 0 && !(await this.#fill())) {
        throw new FormatError(`the archive ends in the middle of ${what}`, { field: 'tar' });
      }
      const take = Math.min(left, this.#buffer.length);
      const chunk = this.#buffer.subarray(0, take);
      this.#buffer = this.#buffer.subarray(take);
      left -= take;
      yield chunk;
    }
  }

  /**
   * Drop `length` bytes.
   *
   * @param length - how many
   * @param what - what is being skipped, for the error
   */
  async skip(length: number, what: string): Promise<void> {
    for await (const _ of this.run(length, what)) {
      // discarded
    }
  }

  /** Stop reading and release the stream. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
