/**
 * Extracting a cart's tar into a download location, safely: only regular files and
 * directories, every path below the cart's top folder and inside the location, every file one
 * the cart was asked for and matching its hashsum. Files are written to a staging folder and
 * moved into place only when the whole archive checked out; on any failure nothing is left.
 *
 * @module
 */
import { FormatError, TransferError } from '../par/errors.js';
import { localTree } from '../platform/tree.js';
import { createHasher } from './hashes.js';
import type { CartFile } from './pacifica-event.js';
import { safeSegments } from './safe-path.js';
import { readTar } from './tar.js';

/** How to extract. */
export interface ExtractOptions {
  /** The download location (created if missing). */
  readonly location: string;
  /** The tar's top folder (cartd's `filename`); files land in `location/top/…`. */
  readonly top: string;
  /** The files the archive must hold, exactly. */
  readonly files: readonly CartFile[];
  readonly signal?: AbortSignal;
  /** Called with the bytes of file content written so far. */
  readonly onBytes?: (loaded: number) => void;
  /** Called when a file has been written and verified. */
  readonly onFile?: (file: CartFile) => void;
}

function quoted(path: string): string {
  return JSON.stringify(path.slice(0, 200));
}

/**
 * Extract a cart archive.
 *
 * @param archive - the tar stream
 * @param options - location, top folder, expected files, cancellation and progress
 * @returns the files written (all of `options.files`)
 * @throws FormatError for an entry that escapes, a link, a device, an unexpected or repeated
 *   file, or a malformed archive; TransferError for a wrong hashsum or size, or a file missing
 *   from the archive. Nothing is left in the location on failure.
 */
export async function extractCart(
  archive: ReadableStream<Uint8Array>,
  options: ExtractOptions,
): Promise<CartFile[]> {
  const expected = new Map(options.files.map((file) => [file.path, file]));
  const top = safeSegments(options.top, 'cart name');
  if (top.length !== 1) throw new TypeError('the cart name must be a single folder name');
  const area = await (await localTree()).stage(options.location);
  const written: CartFile[] = [];
  let loaded = 0;
  try {
    for await (const { entry, body } of readTar(archive)) {
      options.signal?.throwIfAborted();
      const segments = safeSegments(entry.path, 'tar entry');
      if (entry.type === 'symlink' || entry.type === 'hardlink') {
        throw new FormatError(
          `tar entry ${quoted(entry.path)} is a ${entry.type === 'symlink' ? 'symbolic' : 'hard'} link; refused`,
          {
            field: 'tar entry',
          },
        );
      }
      if (entry.type === 'other') {
        throw new FormatError(
          `tar entry ${quoted(entry.path)} is not a file or directory (type ${entry.flag}); refused`,
          {
            field: 'tar entry',
          },
        );
      }
      if (segments[0] !== top[0]) {
        throw new FormatError(
          `tar entry ${quoted(entry.path)} is outside the cart folder ${quoted(options.top)}; refused`,
          {
            field: 'tar entry',
          },
        );
      }
      if (entry.type === 'directory') {
        await area.makeDirectory(segments);
        continue;
      }
      const relative = segments.slice(1).join('/');
      const file = expected.get(relative);
      if (file === undefined) {
        throw new FormatError(
          `tar entry ${quoted(entry.path)} is not a file the cart was asked for; refused`,
          {
            field: 'tar entry',
          },
        );
      }
      expected.delete(relative);
      const hasher = createHasher(file.hashtype);
      const before = loaded;
      const size = await area.writeFile(
        segments,
        (async function* () {
          for await (const chunk of body) {
            hasher.update(chunk);
            yield chunk;
          }
        })(),
        {
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          onProgress: (bytes) => {
            loaded = before + bytes;
            options.onBytes?.(loaded);
          },
        },
      );
      if (file.size !== undefined && size !== file.size) {
        throw new TransferError(
          `${quoted(relative)} was ${size} bytes, expected ${file.size}; nothing was saved`,
        );
      }
      if (hasher.hexDigest() !== file.hashsum) {
        throw new TransferError(
          `${quoted(relative)} does not match its ${file.hashtype} hashsum; nothing was saved`,
          {
            context: { path: relative, hashtype: file.hashtype },
          },
        );
      }
      written.push(file);
      options.onFile?.(file);
    }
    if (expected.size > 0) {
      const missing = [...expected.keys()];
      throw new TransferError(
        `the cart archive lacks ${missing.length} file(s): ${missing.slice(0, 5).map(quoted).join(', ')}; nothing was saved`,
      );
    }
    await area.commit();
    return written;
  } catch (error) {
    await area.discard();
    throw error;
  }
}
