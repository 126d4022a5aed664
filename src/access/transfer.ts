/**
 * The operations shared by object and bucket readers and writers, on one object endpoint:
 * whole reads, reads to a file (temporary file, verified, renamed into place), writes from a file.
 *
 * @internal
 * @module
 */
import { TransferError } from '../par/errors.js';
import { localFiles } from '../platform/files.js';
import { collect } from './bytes.js';
import type { ObjectEndpoint, ObjectStat } from './endpoint.js';

/** Progress of one transfer. `total` is undefined when the size is not known. */
export interface Progress {
  readonly loaded: number;
  readonly total: number | undefined;
}

/** Options for a transfer. */
export interface TransferOptions {
  readonly signal?: AbortSignal;
  /** Called as bytes move. */
  readonly onProgress?: (progress: Progress) => void;
}

/** Where a download landed. */
export interface SavedFile {
  readonly path: string;
  readonly size: number;
  readonly stat: ObjectStat;
}

/**
 * Read a whole object into memory, checking its length.
 *
 * @param endpoint - the object
 * @param options - cancellation
 */
export async function readAll(endpoint: ObjectEndpoint, options: TransferOptions = {}): Promise<Uint8Array> {
  const { stat, body } = await endpoint.read(options.signal === undefined ? {} : { signal: options.signal });
  return collect(body, stat.size);
}

/**
 * Download an object to `path`. The file appears only complete and verified; on failure
 * nothing is left at `path` (and a previous file there is untouched).
 *
 * @param endpoint - the object
 * @param path - destination
 * @param options - cancellation and progress
 */
export async function readToFile(
  endpoint: ObjectEndpoint,
  path: string,
  options: TransferOptions = {},
): Promise<SavedFile> {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
  const files = await localFiles();
  const { stat, body } = await endpoint.read(options.signal === undefined ? {} : { signal: options.signal });
  const size = await files.writeAtomic(path, body, {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onProgress: (loaded) => options.onProgress?.({ loaded, total: stat.size }),
    verify: (written) => {
      if (stat.size !== undefined && written !== stat.size) {
        throw new TransferError(`download was ${written} bytes, expected ${stat.size}; nothing was saved`);
      }
    },
  });
  return { path, size, stat };
}

/**
 * Upload a local file to an object.
 *
 * @param endpoint - the object
 * @param path - source file
 * @param options - content type, cancellation and progress
 */
export async function writeFromFile(
  endpoint: ObjectEndpoint,
  path: string,
  options: TransferOptions & { readonly contentType?: string } = {},
): Promise<ObjectStat> {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
  const files = await localFiles();
  const info = await files.stat(path);
  if (info === undefined) throw new TypeError('path must name an existing regular file');
  let loaded = 0;
  const counted = files.readStream(path).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.length;
        options.onProgress?.({ loaded, total: info.size });
        controller.enqueue(chunk);
      },
    }),
  );
  return endpoint.write(counted, {
    size: info.size,
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
