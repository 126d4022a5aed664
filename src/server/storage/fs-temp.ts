/**
 * Receiving a body into a temporary file of the filesystem store: streamed to disk, counted
 * against the size limit, hashed as it arrives, verified, flushed (fsync) — or removed.
 * Temporary files live in `tmp/` beside `objects/`, so no listing ever sees them.
 *
 * @internal
 * @module
 */
import { createHash, type Hash, randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from './errors.js';
import type { PutOptions } from './store.js';

/** A finished, flushed temporary file. */
export interface TempFile {
  readonly path: string;
  readonly size: number;
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  readonly sha256?: string;
  readonly md5?: string;
}

/** Bytes gathered before one write to disk: fewer, larger writes. */
const WRITE_BATCH = 1024 * 1024;

/**
 * Write `body` to a new temporary file in `tmpDir`. On any failure the file is removed and the
 * error rethrown.
 *
 * @param tmpDir - the store's temporary directory
 * @param body - the bytes
 * @param options - limits and expected checksums
 * @throws StoreError `BODY_TOO_LARGE`, `INCOMPLETE_BODY` or `CHECKSUM_MISMATCH`; whatever the body throws
 */
export async function receiveTemp(
  tmpDir: string,
  body: AsyncIterable<Uint8Array>,
  options: PutOptions,
): Promise<TempFile> {
  const path = join(tmpDir, `${Date.now().toString(36)}-${randomBytes(12).toString('hex')}`);
  const file = await open(path, 'wx', 0o600);
  const sha =
    options.digest === false && options.expectedSha256 === undefined ? undefined : createHash('sha256');
  const md5: Hash | undefined = options.expectedMd5 === undefined ? undefined : createHash('md5');
  const limit = options.maxBytes ?? Number.POSITIVE_INFINITY;
  let size = 0;
  let closed = false;
  try {
    let batch: Uint8Array[] = [];
    let batched = 0;
    const flush = async () => {
      if (batched === 0) return;
      const buffer = batch.length === 1 ? (batch[0] as Uint8Array) : Buffer.concat(batch, batched);
      batch = [];
      batched = 0;
      let written = 0;
      while (written < buffer.length) {
        written += (await file.write(buffer, written, buffer.length - written)).bytesWritten;
      }
    };
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limit)
        throw new StoreError('BODY_TOO_LARGE', `the body is larger than the ${limit}-byte limit`);
      if (options.expectedSize !== undefined && size > options.expectedSize) {
        throw new StoreError('INCOMPLETE_BODY', 'the body is longer than its declared length');
      }
      sha?.update(chunk);
      md5?.update(chunk);
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= WRITE_BATCH) await flush();
    }
    await flush();
    if (options.expectedSize !== undefined && size !== options.expectedSize) {
      throw new StoreError(
        'INCOMPLETE_BODY',
        `the body ended after ${size} of ${options.expectedSize} bytes`,
      );
    }
    const sha256 = sha?.digest('hex');
    const md5Base64 = md5?.digest('base64');
    if (options.expectedSha256 !== undefined && sha256 !== options.expectedSha256.toLowerCase()) {
      throw new StoreError('CHECKSUM_MISMATCH', 'the body does not match its x-checksum-sha256');
    }
    if (options.expectedMd5 !== undefined && md5Base64 !== options.expectedMd5) {
      throw new StoreError('CHECKSUM_MISMATCH', 'the body does not match its Content-MD5');
    }
    await file.sync();
    const stat = await file.stat({ bigint: true });
    await file.close();
    closed = true;
    return {
      path,
      size,
      ino: stat.ino,
      mtimeNs: stat.mtimeNs,
      ...(sha256 === undefined || options.digest === false ? {} : { sha256 }),
      ...(md5Base64 === undefined ? {} : { md5: md5Base64 }),
    };
  } catch (error) {
    if (!closed) await file.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
}
