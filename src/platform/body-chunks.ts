/**
 * A response body read as batches of chunks. The download engine reads every body this way: a
 * body the platform client offers natively (on Node, the bytes of the `node:http` message, with
 * no web stream in between, and none even made) is taken as it is; any other body is read from
 * its web stream chunk by chunk.
 *
 * @module
 */

/** A body read in batches: whatever has arrived since the last call. */
export interface BodyChunks {
  /**
   * The chunks that arrived since the last call (at least one), waiting for one when none has;
   * undefined once the body has ended. Rejects when the body breaks off (an error whose `code`
   * names the kind, such as `ECONNRESET`) or stalls past the request's timeout.
   */
  next(): Promise<readonly Uint8Array[] | undefined>;
  /** Stop reading and let the connection go; later calls to `next` resolve undefined. */
  cancel(): void;
}

/** Gives the native reader of a body once, or undefined when the body is already being read. */
export type ClaimChunks = () => BodyChunks | undefined;

const offered = new WeakMap<object, ClaimChunks>();

/**
 * Let the body that `owner` carries (a `Response`, its body stream, or a dialect's read result)
 * be read natively by {@link bodyChunks}. After a successful claim, nothing else may read it.
 *
 * @param owner - what carries the body
 * @param claim - gives the native reader of its bytes
 * @returns `owner`
 */
export function offerChunks<T extends object>(owner: T, claim: ClaimChunks): T {
  offered.set(owner, claim);
  return owner;
}

/**
 * Offer through `to` whatever `from` offers (a read result made from a response).
 *
 * @param from - a response
 * @param to - what now carries its body
 * @returns `to`
 */
export function passChunks<T extends object>(from: object, to: T): T {
  const claim = offered.get(from);
  if (claim !== undefined) offered.set(to, claim);
  return to;
}

function webChunks(stream: ReadableStream<Uint8Array>): BodyChunks {
  const reader = stream.getReader();
  let done = false;
  return {
    async next() {
      if (done) return undefined;
      const { value, done: ended } = await reader.read();
      if (ended) {
        done = true;
        return undefined;
      }
      return [value];
    },
    cancel() {
      done = true;
      reader.cancel().catch(() => undefined);
    },
  };
}

function claimed(owner: object): BodyChunks | undefined {
  const claim = offered.get(owner);
  if (claim === undefined) return undefined;
  offered.delete(owner);
  return claim();
}

/**
 * Read the body that `source` carries in batches: natively when the platform client offered it
 * and nothing has read it yet, otherwise through its web stream's reader (locking the stream).
 *
 * @param source - a response, or a read result with a `body`
 * @throws TypeError when the body stream is already locked by another reader
 */
export function bodyChunks(source: { readonly body: ReadableStream<Uint8Array> | null }): BodyChunks {
  const native = claimed(source);
  if (native !== undefined) return native;
  const stream = source.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  return (stream.locked ? undefined : claimed(stream)) ?? webChunks(stream);
}
