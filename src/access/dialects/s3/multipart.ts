/**
 * S3 multipart uploads as the `parts` contract of an object endpoint: parts sent with PUT in any
 * order and in parallel, then CompleteMultipartUpload (the object appears only then) or
 * AbortMultipartUpload. Where the URLs come from — pre-signed by the issuer, or signed here with
 * temporary credentials — is the caller's business.
 *
 * @internal
 * @module
 */
import { TransferError } from '../../../par/errors.js';
import { redactUrl } from '../../../par/redact.js';
import type { ObjectStat, PartLimits, PartUpload, UploadedPart } from '../../endpoint.js';
import { send } from '../../http.js';
import type { SendContext } from '../dialect.js';
import { escapeXml, xmlText } from './xml.js';

/** S3's limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10 000 of them. */
export const S3_PART_LIMITS: PartLimits = Object.freeze({
  minPartSize: 5 * 1024 * 1024,
  maxPartSize: 5 * 1024 * 1024 * 1024,
  maxParts: 10_000,
});

/** The URLs of one upload's requests. */
export interface PartRequests {
  /** Pre-signed UploadPart for part `partNumber` (1-based). */
  part(partNumber: number): string;
  /** Pre-signed CompleteMultipartUpload. */
  complete(): string;
  /** Pre-signed AbortMultipartUpload. */
  abort(): string;
}

const unquote = (etag: string) => etag.replace(/^W\//, '').replace(/^"|"$/g, '');

/**
 * The `PartUpload` of one started upload.
 *
 * @param requests - where each request goes
 * @param maxParts - the most parts this upload can take
 * @param context - transport
 * @returns the upload
 */
export function s3PartUpload(requests: PartRequests, maxParts: number, context: SendContext): PartUpload {
  return {
    async uploadPart(partNumber, body, request) {
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > maxParts) {
        throw new RangeError(`partNumber must be a whole number from 1 to ${maxParts}`);
      }
      if (!(body instanceof Uint8Array)) throw new TypeError('body must be a Uint8Array');
      const url = requests.part(partNumber);
      const response = await send(context, url, {
        method: 'PUT',
        body: body as Uint8Array<ArrayBuffer>,
        headers: { 'content-length': String(body.length) },
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      await response.body?.cancel();
      const etag = response.headers.get('etag');
      if (etag === null) {
        throw new TransferError(`the store sent no ETag for part ${partNumber}`, { url: redactUrl(url) });
      }
      return { partNumber, etag: unquote(etag), size: body.length };
    },

    async complete(parts, request) {
      const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
      if (sorted.length === 0) throw new RangeError('parts must list at least one uploaded part');
      const body = `<CompleteMultipartUpload>${sorted
        .map(
          (part) =>
            `<Part><PartNumber>${part.partNumber}</PartNumber><ETag>"${escapeXml(part.etag)}"</ETag></Part>`,
        )
        .join('')}</CompleteMultipartUpload>`;
      const url = requests.complete();
      const response = await send(context, url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/xml' },
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      // S3 may answer 200 and still fail: the error is then in the body.
      const text = await response.text();
      if (/<Error>/.test(text)) {
        const code = xmlText(text, 'Code') ?? 'an error';
        throw new TransferError(`the store could not complete the upload (${code})`, { url: redactUrl(url) });
      }
      // Some stores (Ceph RGW 16) answer with an empty ETag element: then there is none to report.
      const etag = unquote(xmlText(text, 'ETag') ?? '');
      const stat: ObjectStat = { size: sumSizes(sorted) };
      return etag === '' ? stat : { ...stat, etag };
    },

    async abort(request) {
      const response = await send(context, requests.abort(), {
        method: 'DELETE',
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      await response.body?.cancel();
    },
  };
}

function sumSizes(parts: readonly UploadedPart[]): number {
  return parts.reduce((total, part) => total + part.size, 0);
}

/**
 * Start an upload: CreateMultipartUpload, answered with the upload id.
 *
 * @param url - the pre-signed `POST …?uploads` URL
 * @param contentType - the object's content type, if known
 * @param context - transport
 * @param signal - cancellation
 * @returns the upload id
 * @throws TransferError when the answer has none
 */
export async function createUpload(
  url: string,
  contentType: string | undefined,
  context: SendContext,
  signal?: AbortSignal,
): Promise<string> {
  const response = await send(context, url, {
    method: 'POST',
    ...(contentType === undefined ? {} : { headers: { 'content-type': contentType } }),
    ...(signal === undefined ? {} : { signal }),
  });
  const uploadId = xmlText(await response.text(), 'UploadId');
  if (uploadId === undefined || uploadId === '') {
    throw new TransferError('the store did not start the multipart upload (no UploadId)', {
      url: redactUrl(url),
    });
  }
  return uploadId;
}
