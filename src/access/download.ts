/**
 * The download engine every read uses: bytes from an object endpoint into a sink (memory, a
 * temporary file, a stream), resumed with a byte range after a broken connection, refusing to
 * stitch a changed object together (`If-Range` and the ETag), checked for length and, where the
 * store reports one, checksum.
 *
 * @internal
 * @module
 */
import { ConflictError, isParkitError, TransferError } from '../par/errors.js';
import { bodyChunks } from '../platform/body-chunks.js';
import type { TemporaryFile } from '../platform/files.js';
import { createHasher, type Hasher } from '../platform/hash.js';
import type { ByteRange, ObjectEndpoint, ObjectStat, ReadResult } from './endpoint.js';
import type { TransferSettings } from './options.js';
import { backoffDelay } from './retry.js';

/** Where downloaded bytes go. */
export interface Sink {
  /** Take the next bytes (in order): `chunks`, `bytes` long in all. */
  write(chunks: readonly Uint8Array[], bytes: number): void | Promise<void>;
  /** Forget everything written, to start over; false when that is impossible. */
  reset(): boolean | Promise<boolean>;
  /** Finish writing what was taken (called when a body ends or breaks off). */
  flush?(): void | Promise<void>;
}

/** One download. */
export interface DownloadRequest {
  readonly settings: TransferSettings;
  readonly signal?: AbortSignal | undefined;
  /** Only these bytes of the object. */
  readonly range?: ByteRange | undefined;
  /** The answer to a first request already made for these bytes (its body unread). */
  readonly first?: ReadResult | undefined;
  /** The version the bytes must come from (the object's ETag, known from an earlier request). */
  readonly etag?: string | undefined;
  /** Called as bytes arrive: bytes written so far (back to 0 after a restart) and the total. */
  readonly onBytes?: ((loaded: number, total: number | undefined) => void) | undefined;
  /** Verify a whole-object download against the checksum the store reports (default true). */
  readonly verify?: boolean;
}

/** What a finished download read. */
export interface Downloaded {
  /** What the store said of the object. */
  readonly stat: ObjectStat;
  /** Bytes written to the sink. */
  readonly length: number;
}

function code(error: unknown): string {
  const found = (error as { code?: unknown; cause?: { code?: unknown } } | undefined)?.code;
  if (typeof found === 'string') return found;
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : 'error';
}

/**
 * Pick the checksum to verify and a hasher for it.
 *
 * @param stat - what the store reported
 */
export async function checksumOf(
  stat: ObjectStat,
): Promise<{ readonly expected: string; readonly hasher: Hasher } | undefined> {
  if (stat.sha256 !== undefined) return { expected: stat.sha256, hasher: await createHasher('sha256') };
  if (stat.md5 !== undefined) return { expected: stat.md5, hasher: await createHasher('md5') };
  return undefined;
}

/**
 * Download bytes of `endpoint` into `sink`.
 *
 * The request for the first bytes is retried by `send()`. After that, a body that breaks off
 * (reset, truncation, timeout) is resumed from the next byte with a range request bound to the
 * object's ETag; up to `retry.attempts` breaks in a row without progress are tolerated. If the
 * object changed meanwhile, the sink starts over when it can, and ConflictError is thrown when it
 * cannot. A checksum mismatch also starts over, once per remaining attempt.
 *
 * @param endpoint - the object
 * @param sink - where the bytes go
 * @param request - settings, cancellation, range, progress
 * @throws TransferError (length, checksum, too many breaks), ConflictError, and whatever the
 *   endpoint throws (NotFoundError, ExpiredError, …)
 */
export async function download(
  endpoint: ObjectEndpoint,
  sink: Sink,
  request: DownloadRequest,
): Promise<Downloaded> {
  const { settings, signal } = request;
  const policy = settings.retry;
  const base = request.range?.start ?? 0;
  let etag = request.etag;
  let stat: ObjectStat | undefined;
  let end: number | undefined; // exclusive, within the object
  let check: Awaited<ReturnType<typeof checksumOf>>;
  let loaded = 0;
  let breaks = 0;
  let attempts = 0;
  let pending = request.first;
  for (;;) {
    signal?.throwIfAborted();
    attempts++;
    const offset = base + loaded;
    const result =
      pending ??
      (await endpoint.read({
        ...(signal === undefined ? {} : { signal }),
        ...(offset === 0 && request.range?.end === undefined
          ? {}
          : {
              range: {
                start: offset,
                ...(request.range?.end === undefined ? {} : { end: request.range.end }),
              },
            }),
        ...(etag === undefined || offset === 0 ? {} : { ifRange: etag }),
      }));
    pending = undefined;
    const changed =
      etag !== undefined && result.stat.etag !== undefined && result.stat.etag !== etag && offset > 0;
    let skip = offset > 0 && result.start === 0 ? offset : 0;
    // A store that ignored the range sent the object from byte 0: skip what we have, if it can be
    // shown to be the same version.
    if (changed || (skip > 0 && loaded > 0 && result.stat.etag === undefined)) {
      bodyChunks(result).cancel();
      if (request.range !== undefined || !(await sink.reset())) {
        throw new ConflictError('the object changed during the download; nothing was kept');
      }
      ({ loaded, stat, check, etag } = { loaded: 0, stat: undefined, check: undefined, etag: undefined });
      continue;
    }
    if (stat === undefined) {
      stat = result.stat;
      etag ??= stat.etag;
      const size = stat.size;
      const last =
        request.range?.end === undefined ? size : Math.min(request.range.end + 1, size ?? Infinity);
      end = last;
      if (request.verify !== false && base === 0 && request.range === undefined)
        check = await checksumOf(stat);
    }
    const total = end === undefined ? undefined : end - base;
    const body = bodyChunks(result);
    const before = loaded;
    let broken: unknown;
    try {
      for (;;) {
        const batch = await body.next();
        if (batch === undefined) break;
        const taken: Uint8Array[] = [];
        let bytes = 0;
        let more = false;
        for (let chunk of batch) {
          if (skip > 0) {
            const dropped = Math.min(skip, chunk.length);
            skip -= dropped;
            chunk = chunk.subarray(dropped);
          }
          if (total !== undefined && loaded + bytes + chunk.length > total) {
            more = true;
            chunk = chunk.subarray(0, total - loaded - bytes);
          }
          if (chunk.length > 0) {
            taken.push(chunk);
            bytes += chunk.length;
          }
        }
        if (bytes > 0) {
          await sink.write(taken, bytes);
          if (check !== undefined) for (const chunk of taken) check.hasher.update(chunk);
          loaded += bytes;
          request.onBytes?.(loaded, total);
        }
        // Enough (a range served from a longer answer): stop reading. An answer of exactly this
        // length ends on the next read, which leaves its connection free for the next request.
        if (total !== undefined && loaded >= total) {
          if (more || (await body.next()) !== undefined) body.cancel();
          break;
        }
      }
    } catch (error) {
      body.cancel();
      if (signal?.aborted) throw signal.reason;
      if (isParkitError(error)) throw error;
      broken = error;
    }
    await sink.flush?.();
    if (broken === undefined && (total === undefined || loaded >= total)) {
      if (check !== undefined && check.hasher.digestHex() !== check.expected) {
        if (attempts < policy.attempts && (await sink.reset())) {
          ({ loaded, stat, check } = { loaded: 0, stat: undefined, check: undefined });
          continue;
        }
        throw new TransferError(`the content does not match the store's checksum; nothing was kept`, {
          attempts,
          context: { reason: 'checksum' },
        });
      }
      return { stat: stat as ObjectStat, length: loaded };
    }
    // Broken off (or ended short without saying so): resume from the next byte.
    breaks = loaded > before ? 1 : breaks + 1;
    if (breaks >= policy.attempts) {
      const reason = broken === undefined ? 'ended early' : `broke off (${code(broken)})`;
      throw new TransferError(
        `the download ${reason} after ${loaded}${total === undefined ? '' : ` of ${total}`} bytes, ${breaks} times in a row; nothing was kept`,
        { attempts, cause: new Error(code(broken)) },
      );
    }
    await policy.sleep(backoffDelay(breaks, policy), signal);
  }
}

/** Bytes a file sink gathers before it writes them, in one call, without copying. */
const FILE_BATCH = 1024 * 1024;

/**
 * A sink into a temporary file, from byte `start`, gathering chunks into writes of about 1 MiB
 * (far fewer file system calls than one per network chunk; the chunks go to the file in one
 * vectored write, not copied together first). Each write is awaited: the body meanwhile goes on
 * arriving, up to what its reader holds before pausing the socket, so memory stays bounded even
 * with several ranges writing one file.
 *
 * @param file - the temporary file
 * @param start - where the first byte goes, or undefined to append in order
 */
export function fileSink(file: TemporaryFile, start?: number): Sink {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let written = 0;
  const flush = async () => {
    if (heldBytes === 0) return;
    const chunks = held;
    const bytes = heldBytes;
    held = [];
    heldBytes = 0;
    await file.write(chunks, start === undefined ? undefined : start + written);
    written += bytes;
  };
  return {
    write(chunks, bytes) {
      for (const chunk of chunks) held.push(chunk);
      heldBytes += bytes;
      return heldBytes >= FILE_BATCH ? flush() : undefined;
    },
    async reset() {
      held = [];
      heldBytes = 0;
      written = 0;
      if (start === undefined) await file.truncate();
      return true;
    },
    flush,
  };
}

/** A sink that keeps everything in memory. */
export function memorySink(): Sink & { bytes(): Uint8Array } {
  let parts: Uint8Array[] = [];
  let length = 0;
  return {
    write(chunks, bytes) {
      // A small view of a large network buffer would keep the whole buffer alive: copy it.
      for (const chunk of chunks)
        parts.push(chunk.byteLength * 2 < chunk.buffer.byteLength ? chunk.slice() : chunk);
      length += bytes;
    },
    reset() {
      parts = [];
      length = 0;
      return true;
    },
    bytes() {
      if (parts.length === 1) return parts[0] as Uint8Array;
      const out = new Uint8Array(length);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    },
  };
}
