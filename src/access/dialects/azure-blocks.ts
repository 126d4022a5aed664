/**
 * Block blob uploads in parts, for the parts contract of `ObjectEndpoint`: every part is a Put
 * Block (base64 block ids, all of one length), `complete` commits them in part order with Put
 * Block List, and nothing is visible before that. Azure has no call to discard staged blocks:
 * an aborted upload leaves them uncommitted and invisible until the blob's next commit, or for
 * at most seven days. Also streams of unknown length, cut into blocks with bounded memory.
 *
 * @internal
 * @module
 */

import { escapeXml } from '../../issuers/azure/xml.js';
import { toBase64 } from '../../par/encoding.js';
import { TransferError } from '../../par/errors.js';
import type {
  ObjectStat,
  PartLimits,
  PartUpload,
  PartUploader,
  UploadedPart,
  WriteRequest,
} from '../endpoint.js';
import { statFromHeaders } from '../http.js';
import { azureCall, operationUrl, type SasAddress, withSignal } from './azure-request.js';
import type { DialectContext } from './dialect.js';

const MiB = 1024 * 1024;

/**
 * Azure's block blob limits (service version 2019-12-12 and later): blocks of up to 4000 MiB,
 * at most 50,000 blocks, no minimum block size.
 */
export const AZURE_PART_LIMITS: PartLimits = Object.freeze({
  minPartSize: 1,
  maxPartSize: 4000 * MiB,
  maxParts: 50_000,
});

/** The block size used to cut a stream into blocks. */
export const STREAM_BLOCK_SIZE = 8 * MiB;

/** How many blocks of a stream are sent at once (memory stays under this × the block size). */
export const STREAM_CONCURRENCY = 4;

/**
 * Largest body sent as one Put Blob; larger byte arrays go up as blocks. (Azure takes up to
 * 5000 MiB in one Put Blob, but one request that large is slow to retry; the Azure SDKs switch
 * to blocks at 256 MiB too.)
 */
export const SINGLE_PUT_LIMIT = 256 * MiB;

const encoder = new TextEncoder();

function nonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

// 16 hex characters of the upload plus 8 digits of the part: 24 bytes, 32 base64 characters,
// the same length for every parkit upload (Azure wants one length per blob).
function blockId(upload: string, partNumber: number): string {
  return toBase64(encoder.encode(`${upload}${String(partNumber).padStart(8, '0')}`));
}

/**
 * Put Blob: one request that creates or replaces the whole blob.
 *
 * @param context - transport
 * @param address - the blob's SAS address
 * @param body - the bytes
 * @param request - content type, cancellation
 */
export async function putBlob(
  context: DialectContext,
  address: SasAddress,
  body: Uint8Array,
  request: WriteRequest,
): Promise<ObjectStat> {
  const headers = new Headers({ 'x-ms-blob-type': 'BlockBlob' });
  if (request.contentType !== undefined) headers.set('content-type', request.contentType);
  const response = await azureCall(context, operationUrl(address), {
    method: 'PUT',
    headers,
    body: body as BodyInit,
    ...withSignal(request.signal),
  });
  await response.body?.cancel();
  return written(response, body.length, request.contentType);
}

function written(response: Response, size: number, contentType: string | undefined): ObjectStat {
  const { etag, lastModified } = statFromHeaders(response.headers);
  return {
    size,
    ...(etag === undefined ? {} : { etag }),
    ...(lastModified === undefined ? {} : { lastModified }),
    ...(contentType === undefined ? {} : { contentType }),
  };
}

/**
 * The parts uploader of one blob.
 *
 * @param context - transport
 * @param address - the blob's SAS address
 */
export function blockUploader(context: DialectContext, address: SasAddress): PartUploader {
  return {
    limits: AZURE_PART_LIMITS,
    async begin(request: WriteRequest): Promise<PartUpload> {
      const upload = nonce();
      let aborted = false;
      return {
        async uploadPart(partNumber, body, part) {
          if (aborted) throw new TransferError('this block upload was aborted');
          if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > AZURE_PART_LIMITS.maxParts) {
            throw new RangeError(`partNumber must be an integer from 1 to ${AZURE_PART_LIMITS.maxParts}`);
          }
          if (!(body instanceof Uint8Array)) throw new TypeError('body must be a Uint8Array');
          if (body.length > AZURE_PART_LIMITS.maxPartSize) {
            throw new RangeError(`a block holds at most ${AZURE_PART_LIMITS.maxPartSize} bytes`);
          }
          const id = blockId(upload, partNumber);
          const response = await azureCall(
            context,
            operationUrl(address, `comp=block&blockid=${encodeURIComponent(id)}`),
            { method: 'PUT', body: body as BodyInit, ...withSignal(part.signal) },
          );
          await response.body?.cancel();
          return { partNumber, etag: id, size: body.length };
        },
        async complete(parts, done) {
          if (aborted) throw new TransferError('this block upload was aborted');
          const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
          ordered.forEach((part, index) => {
            if (
              part.etag !== blockId(upload, part.partNumber) ||
              ordered[index - 1]?.partNumber === part.partNumber
            ) {
              throw new RangeError('parts must be the distinct parts uploaded by this upload');
            }
          });
          const list = ordered.map((part) => `<Latest>${escapeXml(part.etag)}</Latest>`).join('');
          const headers = new Headers({ 'content-type': 'application/xml' });
          if (request.contentType !== undefined) headers.set('x-ms-blob-content-type', request.contentType);
          const response = await azureCall(context, operationUrl(address, 'comp=blocklist'), {
            method: 'PUT',
            headers,
            body: encoder.encode(`<?xml version="1.0" encoding="utf-8"?><BlockList>${list}</BlockList>`),
            ...withSignal(done.signal),
          });
          await response.body?.cancel();
          const size = ordered.reduce((sum, part: UploadedPart) => sum + part.size, 0);
          return written(response, size, request.contentType);
        },
        async abort() {
          // Nothing was committed, so nothing is visible; Azure drops the staged blocks itself.
          aborted = true;
        },
      };
    },
  };
}

async function readBlock(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  carry: Uint8Array[],
  size: number,
): Promise<{ block: Uint8Array; ended: boolean }> {
  let held = carry.reduce((sum, chunk) => sum + chunk.length, 0);
  let ended = false;
  while (held < size) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    if (!(value instanceof Uint8Array)) throw new TypeError('the stream must yield Uint8Array chunks');
    carry.push(value);
    held += value.length;
  }
  const block = new Uint8Array(Math.min(held, size));
  let offset = 0;
  while (offset < block.length) {
    const chunk = carry.shift() as Uint8Array;
    const take = Math.min(chunk.length, block.length - offset);
    block.set(chunk.subarray(0, take), offset);
    offset += take;
    if (take < chunk.length) carry.unshift(chunk.subarray(take));
  }
  return { block, ended: ended && carry.length === 0 };
}

/**
 * Write bytes: one Put Blob up to `limit`, blocks of `blockSize` beyond.
 *
 * @param context - transport
 * @param address - the blob's SAS address
 * @param body - the bytes
 * @param request - content type, cancellation
 * @param limit - largest single Put Blob
 * @param blockSize - bytes per block beyond it
 */
export function writeBytes(
  context: DialectContext,
  address: SasAddress,
  body: Uint8Array,
  request: WriteRequest,
  limit = SINGLE_PUT_LIMIT,
  blockSize = STREAM_BLOCK_SIZE,
): Promise<ObjectStat> {
  if (body.length <= limit) return putBlob(context, address, body, request);
  let offset = 0;
  const pieces = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= body.length) return controller.close();
      controller.enqueue(body.subarray(offset, offset + blockSize));
      offset += blockSize;
    },
  });
  return writeStream(context, address, pieces, { ...request, size: body.length }, blockSize);
}

/**
 * Write a stream of any length: one Put Blob when it fits in one block, otherwise blocks of
 * {@link STREAM_BLOCK_SIZE}, {@link STREAM_CONCURRENCY} at a time, committed at the end. When
 * `request.size` is given the stream must deliver exactly that many bytes, or nothing is
 * committed.
 *
 * @param context - transport
 * @param address - the blob's SAS address
 * @param stream - the bytes
 * @param request - size, content type, cancellation
 * @param blockSize - bytes per block
 */
export async function writeStream(
  context: DialectContext,
  address: SasAddress,
  stream: ReadableStream<Uint8Array>,
  request: WriteRequest,
  blockSize = STREAM_BLOCK_SIZE,
): Promise<ObjectStat> {
  const reader = stream.getReader();
  const carry: Uint8Array[] = [];
  const checkSize = (total: number) => {
    if (request.size !== undefined && total !== request.size) {
      throw new TransferError(
        `the stream gave ${total} bytes, not the ${request.size} announced; nothing was written`,
      );
    }
  };
  let upload: PartUpload | undefined;
  try {
    const first = await readBlock(reader, carry, blockSize);
    if (first.ended) {
      checkSize(first.block.length);
      return await putBlob(context, address, first.block, request);
    }
    const started = await blockUploader(context, address).begin(request);
    upload = started;
    const parts: UploadedPart[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    let total = 0;
    let partNumber = 0;
    type Block = { block: Uint8Array; ended: boolean };
    let next: Block | undefined = first;
    while (next !== undefined && failure === undefined) {
      const block: Uint8Array = next.block;
      const ended: boolean = next.ended;
      if (block.length > 0) {
        partNumber += 1;
        total += block.length;
        // Settles, never rejects: the first failure is kept and ends the loop.
        const sending: Promise<void> = started
          .uploadPart(partNumber, block, withSignal(request.signal))
          .then(
            (part) => {
              parts.push(part);
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => inFlight.delete(sending));
        inFlight.add(sending);
        if (inFlight.size >= STREAM_CONCURRENCY) await Promise.race(inFlight);
      }
      next = ended ? undefined : await readBlock(reader, carry, blockSize);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure.error;
    checkSize(total);
    return await started.complete(parts, withSignal(request.signal));
  } catch (error) {
    await upload?.abort(withSignal(undefined)).catch(() => undefined);
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
}
