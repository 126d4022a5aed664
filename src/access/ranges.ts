/**
 * Large downloads to a file as parallel byte ranges: the first answer's body fills the first
 * range, the rest are fetched `concurrency` at a time, each written at its offset and resumed on
 * its own, all bound to the first answer's ETag so a changed object is never stitched together.
 *
 * @internal
 * @module
 */
import type { TemporaryFile } from '../platform/files.js';
import { type Downloaded, download, fileSink } from './download.js';
import type { ObjectEndpoint, ObjectStat, ReadResult } from './endpoint.js';
import type { TransferSettings } from './options.js';

/**
 * Whether a download should go in parallel ranges: ranges enabled, the object at least the
 * threshold, its version known (ETag), and no whole-object checksum to verify in order.
 *
 * @param stat - what the first answer said
 * @param settings - the range options
 */
export function wantsRanges(stat: ObjectStat, settings: TransferSettings): boolean {
  const ranges = settings.ranges;
  return (
    ranges !== undefined &&
    ranges.concurrency > 1 &&
    stat.size !== undefined &&
    stat.size >= ranges.threshold &&
    stat.size > ranges.size &&
    stat.etag !== undefined &&
    stat.sha256 === undefined &&
    stat.md5 === undefined
  );
}

/**
 * Download the whole object into `file` in parallel ranges.
 *
 * @param endpoint - the object
 * @param file - the temporary file
 * @param first - the answer to a plain GET (its body unread)
 * @param request - settings, cancellation, progress
 * @throws the first range's error, the others being cancelled
 */
export async function downloadRanges(
  endpoint: ObjectEndpoint,
  file: TemporaryFile,
  first: ReadResult,
  request: {
    readonly settings: TransferSettings;
    readonly signal?: AbortSignal | undefined;
    readonly onBytes?: ((loaded: number) => void) | undefined;
  },
): Promise<Downloaded> {
  const stat = first.stat;
  const size = stat.size as number;
  const { size: step, concurrency } = request.settings.ranges as NonNullable<TransferSettings['ranges']>;
  const count = Math.ceil(size / step);
  const loaded = new Array<number>(count).fill(0);
  const controller = new AbortController();
  const outer = request.signal;
  const stop = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', stop, { once: true });
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const range = async (index: number, answer?: ReadResult) => {
    const start = index * step;
    await download(endpoint, fileSink(file, start), {
      settings: request.settings,
      signal: controller.signal,
      range: { start, end: Math.min(size, start + step) - 1 },
      first: answer,
      etag: stat.etag,
      verify: false,
      onBytes: (bytes) => {
        loaded[index] = bytes;
        request.onBytes?.(loaded.reduce((sum, value) => sum + value, 0));
      },
    });
  };
  const worker = async (answer?: ReadResult) => {
    try {
      if (answer !== undefined) await range(next++, answer);
      while (failure === undefined && next < count) await range(next++);
    } catch (error) {
      failure ??= { error };
      controller.abort(error);
    }
  };
  try {
    await Promise.all([
      worker(first),
      ...Array.from({ length: Math.min(concurrency, count) - 1 }, () => worker()),
    ]);
    if (failure !== undefined) throw outer?.aborted ? outer.reason : failure.error;
    return { stat, length: size };
  } finally {
    outer?.removeEventListener('abort', stop);
  }
}
