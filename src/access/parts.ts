/**
 * The generic driver of uploads in parts, for any endpoint whose dialect offers a
 * {@link PartUploader} (S3 multipart, Azure block blobs, …): begin, upload parts in parallel with
 * bounded memory, complete in part order; on any failure or abort, abort the upload so nothing
 * partial becomes visible.
 *
 * @internal
 * @module
 */
import { TransferError } from '../par/errors.js';
import type { ObjectStat, PartLimits, PartUploader, UploadedPart, WriteRequest } from './endpoint.js';
import type { PartOptions } from './options.js';

/** Where the bytes of an upload in parts come from: the next part, or undefined at the end. */
export type PartSource = (size: number) => Promise<Uint8Array | undefined>;

/**
 * The part size for an upload: the asked size, raised to the store's minimum and to what keeps
 * the part count within its maximum.
 *
 * @param size - the object's size, when known
 * @param limits - the store's rules
 * @param options - the caller's part size
 * @throws RangeError when the object cannot fit in the store's parts
 */
export function partSize(
  size: number | undefined,
  limits: PartLimits,
  options: Required<PartOptions>,
): number {
  const wanted = Math.max(
    options.size,
    limits.minPartSize,
    size === undefined ? 0 : Math.ceil(size / limits.maxParts),
  );
  if (wanted > limits.maxPartSize) {
    throw new RangeError(
      `an object of ${size} bytes does not fit in ${limits.maxParts} parts of at most ${limits.maxPartSize} bytes`,
    );
  }
  return wanted;
}

/**
 * Read a stream in parts of a fixed size (the last may be shorter).
 *
 * @param stream - the bytes
 * @param prefix - bytes already read from the stream, to come first
 */
export function streamParts(
  stream: ReadableStream<Uint8Array>,
  prefix: readonly Uint8Array[] = [],
): PartSource {
  const reader = stream.getReader();
  const held: Uint8Array[] = [...prefix];
  let heldBytes = held.reduce((sum, part) => sum + part.length, 0);
  let ended = false;
  return async (size) => {
    while (!ended && heldBytes < size) {
      const { value, done } = await reader.read();
      if (done) ended = true;
      else {
        held.push(value);
        heldBytes += value.length;
      }
    }
    if (heldBytes === 0) return undefined;
    const out = new Uint8Array(Math.min(size, heldBytes));
    let at = 0;
    while (at < out.length) {
      const first = held[0] as Uint8Array;
      const take = Math.min(first.length, out.length - at);
      out.set(first.subarray(0, take), at);
      at += take;
      if (take === first.length) held.shift();
      else held[0] = first.subarray(take);
    }
    heldBytes -= out.length;
    return out;
  };
}

/** One upload in parts. */
export interface PartsRequest {
  readonly write: WriteRequest;
  readonly options: Required<PartOptions>;
  /** Called after each part arrives, with the bytes stored so far. */
  readonly onBytes?: ((loaded: number) => void) | undefined;
}

/**
 * Upload an object in parts.
 *
 * Parts are read from `source` one at a time and sent `options.concurrency` at a time, so about
 * `partSize × (concurrency + 1)` bytes are held at once. Each part is one request, retried by
 * `send()` (its body is bytes, so it can be sent again). The first failure stops the reading,
 * cancels the parts in flight and aborts the upload.
 *
 * @param uploader - the endpoint's parts contract
 * @param source - the bytes, part by part
 * @param request - size, content type, signal, part options, progress
 * @returns what the store reports of the new object
 * @throws the first part's (or begin's, or complete's) error; the signal's reason when aborted
 */
export async function uploadInParts(
  uploader: PartUploader,
  source: PartSource,
  request: PartsRequest,
): Promise<ObjectStat> {
  const { write, options } = request;
  const size = partSize(write.size, uploader.limits, options);
  const controller = new AbortController();
  const outer = write.signal;
  const stop = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', stop, { once: true });
  const upload = await uploader.begin(write);
  const done: UploadedPart[] = [];
  const flying = new Set<Promise<void>>();
  let failure: { readonly error: unknown } | undefined;
  let loaded = 0;
  try {
    for (let number = 1; failure === undefined; number++) {
      const bytes = await source(size);
      if (bytes === undefined && number > 1) break;
      if (number > uploader.limits.maxParts) {
        throw new RangeError(`the upload needs more than ${uploader.limits.maxParts} parts`);
      }
      const body = bytes ?? new Uint8Array(0);
      const sent = upload.uploadPart(number, body, { signal: controller.signal }).then(
        (part) => {
          done.push(part);
          loaded += body.length;
          request.onBytes?.(loaded);
        },
        (error: unknown) => {
          failure ??= { error };
          controller.abort(error);
        },
      );
      flying.add(sent);
      void sent.finally(() => flying.delete(sent));
      if (flying.size >= options.concurrency) await Promise.race(flying);
      if (bytes === undefined) break;
    }
    await Promise.all(flying);
    if (failure !== undefined) throw failure.error;
    outer?.throwIfAborted();
    done.sort((a, b) => a.partNumber - b.partNumber);
    const stored = done.reduce((sum, part) => sum + part.size, 0);
    if (write.size !== undefined && stored !== write.size) {
      throw new TransferError(`the source gave ${stored} bytes, expected ${write.size}; nothing was stored`);
    }
    return await upload.complete(done, { signal: controller.signal });
  } catch (error) {
    controller.abort(error);
    await Promise.allSettled(flying);
    // Abort with a fresh signal: the upload's own may be the one that was aborted.
    await upload.abort({}).catch(() => undefined);
    if (outer?.aborted) throw outer.reason;
    throw error;
  } finally {
    outer?.removeEventListener('abort', stop);
  }
}
