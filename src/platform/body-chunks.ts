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

/**
 * The method by which what carries a body (a `Response`, its body stream, a dialect's read
 * result) offers it for native reading: it gives the native reader once, or undefined when the
 * body is already being read another way. After it has given one, nothing else may read the body.
 * (A symbol-named method, not a registry: a weak map entry per request costs the garbage
 * collector more than the rest of a small request.)
 */
export const nativeChunks: unique symbol = Symbol('parkit.nativeChunks');

/** Something that may offer its body natively (see {@link nativeChunks}). */
export interface NativeBody {
  [nativeChunks]?(): BodyChunks | undefined;
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

/**
 * Read the body that `source` carries in batches: natively when the platform client offers it
 * and nothing has read it yet, otherwise through its web stream's reader (locking the stream).
 *
 * @param source - a response, or a read result with a `body`
 * @throws TypeError when the body stream is already locked by another reader
 */
export function bodyChunks(source: { readonly body: ReadableStream<Uint8Array> | null }): BodyChunks {
  const native = (source as NativeBody)[nativeChunks]?.();
  if (native !== undefined) return native;
  const stream = source.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  return (stream.locked ? undefined : (stream as NativeBody)[nativeChunks]?.()) ?? webChunks(stream);
}
