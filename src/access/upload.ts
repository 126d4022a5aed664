/**
 * Uploads: one request, or parts when the endpoint takes them and the object is large. Streams
 * are sent as they are read (bounded memory); a stream the caller can re-open (a local file) is
 * retried like bytes; progress is reported as bytes leave.
 *
 * @internal
 * @module
 */
import { NotSupportedError, TransferError } from '../par/errors.js';
import type { ObjectEndpoint, ObjectStat, WriteRequest } from './endpoint.js';
import { replayable } from './http.js';
import type { TransferSettings } from './options.js';
import { type PartSource, streamParts, uploadInParts } from './parts.js';
import type { Progress } from './transfer.js';

/** One upload. */
export interface UploadRequest {
  readonly settings: TransferSettings;
  readonly signal?: AbortSignal | undefined;
  readonly contentType?: string | undefined;
  readonly onProgress?: ((progress: Progress) => void) | undefined;
  /** The exact size of a stream, when known (a file's size). */
  readonly size?: number | undefined;
  /** A fresh stream of the same bytes, so a failed request can be sent again. */
  readonly reopen?: (() => ReadableStream<Uint8Array>) | undefined;
}

// Count bytes as they are pulled, and insist on the promised size at the end.
function counted(
  stream: ReadableStream<Uint8Array>,
  size: number | undefined,
  onBytes: (loaded: number) => void,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let loaded = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await reader.read();
        if (done) {
          if (size !== undefined && loaded !== size) {
            throw new TransferError(`the source gave ${loaded} bytes, expected ${size} (did it change?)`);
          }
          controller.close();
          return;
        }
        loaded += value.length;
        if (size !== undefined && loaded > size) {
          throw new TransferError(`the source gave more than the ${size} bytes expected (did it change?)`);
        }
        controller.enqueue(value);
        onBytes(loaded);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

function bytesParts(bytes: Uint8Array): PartSource {
  let at = 0;
  return async (size) => {
    if (at >= bytes.length) return undefined;
    const part = bytes.subarray(at, at + size);
    at += part.length;
    return part;
  };
}

// Read up to `limit` bytes: all of a small stream, or the start of a large one.
async function readPrefix(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<{
  readonly chunks: Uint8Array[];
  readonly length: number;
  readonly ended: boolean;
  readonly rest: ReadableStream<Uint8Array>;
}> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  while (length < limit) {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    chunks.push(value);
    length += value.length;
  }
  reader.releaseLock();
  return { chunks, length, ended, rest: stream };
}

function join(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Store `data` at `endpoint`.
 *
 * With `endpoint.parts` and at least `parts.threshold` bytes (or a stream of unknown size that
 * turns out to be that large), the upload goes in parts; otherwise in one request. A stream of
 * unknown size under the threshold is read into memory first when the endpoint takes parts (it
 * can then be retried).
 *
 * @param endpoint - the object
 * @param data - bytes or a stream
 * @param request - settings, size, re-opener, content type, cancellation, progress
 * @returns what the store reports of the new version
 */
export async function upload(
  endpoint: ObjectEndpoint,
  data: Uint8Array | ReadableStream<Uint8Array>,
  request: UploadRequest,
): Promise<ObjectStat> {
  const known = data instanceof Uint8Array ? data.length : request.size;
  const progress = (loaded: number) => request.onProgress?.({ loaded, total: known });
  const write: WriteRequest = {
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    ...(request.contentType === undefined ? {} : { contentType: request.contentType }),
    ...(known === undefined ? {} : { size: known }),
  };
  const parts = endpoint.parts;
  const threshold = request.settings.parts.threshold;
  if (parts !== undefined) {
    const large = (source: PartSource, size: number | undefined) =>
      uploadInParts(parts, source, {
        write: size === undefined ? write : { ...write, size },
        options: request.settings.parts,
        onBytes: progress,
      });
    if (data instanceof Uint8Array && data.length >= threshold) return large(bytesParts(data), data.length);
    if (data instanceof ReadableStream && known !== undefined && known >= threshold) {
      return large(streamParts(counted(data, known, () => undefined)), known);
    }
    if (data instanceof ReadableStream && known === undefined) {
      const prefix = await readPrefix(data, threshold);
      if (!prefix.ended) return large(streamParts(prefix.rest, prefix.chunks), undefined);
      data = join(prefix.chunks, prefix.length);
      return upload(endpoint, data, request);
    }
  }
  if (data instanceof ReadableStream && known === undefined && endpoint.requiresLength === true) {
    const prefix = await readPrefix(data, threshold);
    if (!prefix.ended) {
      await prefix.rest.cancel().catch(() => undefined);
      throw new NotSupportedError(
        `this store needs an upload's length in advance, and the stream is over ${threshold} bytes: give its size (WriteOptions.size), or use a Par that allows uploads in parts`,
      );
    }
    return upload(endpoint, join(prefix.chunks, prefix.length), request);
  }
  if (data instanceof Uint8Array) {
    progress(0);
    const stat = await endpoint.write(data, write);
    progress(data.length);
    return stat;
  }
  const reopen = request.reopen;
  const body = counted(data, known, progress);
  if (reopen !== undefined) replayable(body, () => counted(reopen(), known, progress));
  return endpoint.write(body, write);
}
