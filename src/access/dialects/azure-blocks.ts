/**
 * Block blob uploads in parts, for the parts contract of `ObjectEndpoint`: every part is a Put
 * Block (base64 block ids, all of one length), `complete` commits them in part order with Put
 * Block List, and nothing is visible before that. Azure has no call to discard staged blocks:
 * an aborted upload leaves them uncommitted and invisible until the blob's next commit, or for
 * at most seven days. The writers' generic parts driver (`access/upload.ts`) decides when to
 * use blocks and sends them in parallel with bounded memory.
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
 * Put Blob: one request that creates or replaces the whole blob. Azure needs the length up
 * front, so a stream must come with `request.size` (the writers always give it one).
 *
 * @param context - transport
 * @param address - the blob's SAS address
 * @param body - the bytes, or a stream of `request.size` bytes
 * @param request - size, content type, cancellation
 */
export async function putBlob(
  context: DialectContext,
  address: SasAddress,
  body: Uint8Array | ReadableStream<Uint8Array>,
  request: WriteRequest,
): Promise<ObjectStat> {
  const size = body instanceof Uint8Array ? body.length : request.size;
  if (size === undefined) throw new TypeError('Put Blob needs the size of a streamed body');
  const headers = new Headers({ 'x-ms-blob-type': 'BlockBlob', 'content-length': String(size) });
  if (request.contentType !== undefined) headers.set('content-type', request.contentType);
  const response = await azureCall(context, operationUrl(address), {
    method: 'PUT',
    headers,
    body: body as BodyInit,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    ...withSignal(request.signal),
  } as RequestInit);
  await response.body?.cancel();
  return written(response, size, request.contentType);
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
