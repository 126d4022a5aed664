/**
 * The operations shared by object and bucket readers and writers, on one object endpoint: whole
 * reads, streams and reads to a file (resumed, verified, renamed into place only when complete),
 * and writes from bytes, streams and files (in parts where the store takes them).
 *
 * @internal
 * @module
 */
import { TransferError } from '../par/errors.js';
import { localFiles } from '../platform/files.js';
import { download, fileSink, memorySink } from './download.js';
import type { ByteRange, ObjectEndpoint, ObjectStat } from './endpoint.js';
import type { TransferSettings } from './options.js';
import { downloadRanges, wantsRanges } from './ranges.js';
import { upload } from './upload.js';

/** Progress of one transfer. `total` is undefined when the size is not known. */
export interface Progress {
  /** Bytes moved so far (back to 0 if a download has to start over). */
  readonly loaded: number;
  readonly total: number | undefined;
}

/** Options for a transfer. */
export interface TransferOptions {
  readonly signal?: AbortSignal;
  /** Called as bytes move. */
  readonly onProgress?: (progress: Progress) => void;
}

/** Options for a download to a file. */
export interface FileDownloadOptions extends TransferOptions {
  /**
   * Flush the file to disk before renaming it into place, so it survives a power cut
   * (default false: the rename alone already guarantees no partial file under the name).
   */
  readonly durable?: boolean;
}

/** Where a download landed. */
export interface SavedFile {
  readonly path: string;
  readonly size: number;
  readonly stat: ObjectStat;
}

function signalOf(options: TransferOptions): { readonly signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}

/**
 * Read a whole object into memory, resumed after a broken connection, checked for length and
 * checksum.
 *
 * @param endpoint - the object
 * @param settings - retries and timeouts
 * @param options - cancellation and progress
 */
export async function readAll(
  endpoint: ObjectEndpoint,
  settings: TransferSettings,
  options: TransferOptions = {},
): Promise<Uint8Array> {
  const sink = memorySink();
  await download(endpoint, sink, {
    settings,
    signal: options.signal,
    onBytes: options.onProgress && ((loaded, total) => options.onProgress?.({ loaded, total })),
  });
  return sink.bytes();
}

/**
 * The object (or a range of it) as a web stream that resumes by itself after a broken
 * connection. The first request is made before this returns, so a missing object rejects here.
 * A stream that has handed out bytes cannot start over: if the object changes, or its checksum
 * does not match, the stream errors (with ConflictError or TransferError) instead of closing.
 *
 * @param endpoint - the object
 * @param settings - retries and timeouts
 * @param options - cancellation, progress and a byte range
 */
export async function readStream(
  endpoint: ObjectEndpoint,
  settings: TransferSettings,
  options: TransferOptions & { readonly range?: ByteRange } = {},
): Promise<ReadableStream<Uint8Array>> {
  const controller = new AbortController();
  const outer = options.signal;
  const stop = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', stop, { once: true });
  let first: Awaited<ReturnType<ObjectEndpoint['read']>>;
  try {
    first = await endpoint.read({
      signal: controller.signal,
      ...(options.range === undefined ? {} : { range: options.range }),
    });
  } catch (error) {
    outer?.removeEventListener('abort', stop);
    throw outer?.aborted ? outer.reason : error;
  }
  let wake: (() => void) | undefined;
  let output!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        output = c;
      },
      pull() {
        wake?.();
        wake = undefined;
      },
      cancel(reason) {
        controller.abort(reason);
        wake?.();
      },
    },
    { highWaterMark: 4 },
  );
  download(
    endpoint,
    {
      async write(chunks) {
        for (const chunk of chunks) output.enqueue(chunk);
        if ((output.desiredSize ?? 0) <= 0) await new Promise<void>((resolve) => (wake = resolve));
      },
      reset: () => false,
    },
    {
      settings,
      signal: controller.signal,
      range: options.range,
      first,
      onBytes: options.onProgress && ((loaded, total) => options.onProgress?.({ loaded, total })),
    },
  ).then(
    () => {
      outer?.removeEventListener('abort', stop);
      try {
        output.close();
      } catch {
        // Cancelled by the reader meanwhile.
      }
    },
    (error: unknown) => {
      outer?.removeEventListener('abort', stop);
      output.error(error);
    },
  );
  return stream;
}

/**
 * Download an object to `path`. The bytes go to a temporary file beside it, renamed into place
 * only once their length (and checksum, where the store reports one) is verified; on any failure
 * nothing is left at `path` and a previous file there is untouched. Large objects are fetched in
 * parallel ranges when the store allows (see `AccessOptions.ranges`).
 *
 * @param endpoint - the object
 * @param settings - retries, timeouts, ranges
 * @param path - destination
 * @param options - cancellation, progress, durability
 * @throws NotSupportedError where there are no local files (browsers)
 */
export async function readToFile(
  endpoint: ObjectEndpoint,
  settings: TransferSettings,
  path: string,
  options: FileDownloadOptions = {},
): Promise<SavedFile> {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
  const files = await localFiles();
  const file = await files.createTemporary(path);
  try {
    const first = await endpoint.read(signalOf(options));
    const stat = first.stat;
    const report =
      options.onProgress && ((loaded: number) => options.onProgress?.({ loaded, total: stat.size }));
    const request = { settings, signal: options.signal, first, onBytes: report };
    const done = wantsRanges(stat, settings)
      ? await downloadRanges(endpoint, file, first, request)
      : await download(endpoint, fileSink(file), request);
    if (done.stat.size !== undefined && done.length !== done.stat.size) {
      throw new TransferError(
        `download was ${done.length} bytes, expected ${done.stat.size}; nothing was saved`,
      );
    }
    options.signal?.throwIfAborted();
    await file.commit({ durable: options.durable === true });
    return { path, size: done.length, stat: done.stat };
  } finally {
    await file.discard();
  }
}

/**
 * Store bytes or a stream (in parts where the endpoint takes them and the data is large).
 *
 * @param endpoint - the object
 * @param settings - retries, timeouts, parts
 * @param data - bytes or a stream
 * @param options - content type, cancellation and progress
 */
export function writeData(
  endpoint: ObjectEndpoint,
  settings: TransferSettings,
  data: Uint8Array | ReadableStream<Uint8Array>,
  options: TransferOptions & { readonly contentType?: string; readonly size?: number } = {},
): Promise<ObjectStat> {
  const size = options.size;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
    throw new RangeError('size must be a non-negative integer number of bytes');
  }
  if (size !== undefined && data instanceof Uint8Array && size !== data.length) {
    throw new RangeError(`size is ${size} but the data holds ${data.length} bytes`);
  }
  return upload(endpoint, data, {
    settings,
    signal: options.signal,
    contentType: options.contentType,
    onProgress: options.onProgress,
    size,
  });
}

/**
 * Upload a local file: streamed with bounded memory, re-read from the start if a request must be
 * retried, in parts where the endpoint takes them and the file is large.
 *
 * @param endpoint - the object
 * @param settings - retries, timeouts, parts
 * @param path - source file
 * @param options - content type, cancellation and progress
 * @throws TypeError when `path` is not an existing regular file; TransferError if the file
 *   changes size while it is read
 */
export async function writeFromFile(
  endpoint: ObjectEndpoint,
  settings: TransferSettings,
  path: string,
  options: TransferOptions & { readonly contentType?: string } = {},
): Promise<ObjectStat> {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
  const files = await localFiles();
  const info = await files.stat(path);
  if (info === undefined) throw new TypeError('path must name an existing regular file');
  return upload(endpoint, files.readStream(path), {
    settings,
    signal: options.signal,
    contentType: options.contentType,
    onProgress: options.onProgress,
    size: info.size,
    reopen: () => files.readStream(path),
  });
}
