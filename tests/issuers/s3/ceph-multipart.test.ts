/**
 * Multipart uploads on a real Ceph RGW, through the `parts` contract of an object endpoint
 * (begin → parallel uploadPart → complete / abort): with parts pre-signed into an object Par,
 * with temporary credentials, and with the issuer's own multipart methods.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { s3Dialect } from '../../../src/access/dialects/s3.js';
import type { ObjectEndpoint } from '../../../src/access/endpoint.js';
import { ConflictError, NotFoundError, type Par } from '../../../src/index.js';
import { keyPair } from '../../helpers/fixtures.js';
import { bucketName, cephIssuer, createBucket, getObject } from './ceph-helpers.js';

const keys = await keyPair();
const issuer = cephIssuer();
const bucket = bucketName('multipart');
const MiB = 1024 * 1024;

async function endpointOf(par: Par): Promise<ObjectEndpoint> {
  const endpoint = s3Dialect.object?.(await par.url(keys.identity), {
    par,
    fetch: globalThis.fetch.bind(globalThis),
  });
  if (endpoint === undefined) throw new Error('no endpoint');
  return endpoint;
}

/** Upload `data` in parts of `partSize`, all parts at once, the last one first. */
async function uploadInParts(endpoint: ObjectEndpoint, data: Uint8Array, partSize: number) {
  const parts = endpoint.parts;
  if (parts === undefined) throw new Error('no parts');
  const upload = await parts.begin({ size: data.length, contentType: 'application/octet-stream' });
  const numbers = Array.from(
    { length: Math.ceil(data.length / partSize) },
    (_, index) => index + 1,
  ).reverse();
  const uploaded = await Promise.all(
    numbers.map((n) => upload.uploadPart(n, data.subarray((n - 1) * partSize, n * partSize), {})),
  );
  return { upload, uploaded };
}

beforeAll(async () => {
  await createBucket(issuer, bucket);
});

describe('multipart uploads through Pars', () => {
  it('parts pre-signed into an object Par: parallel parts, complete, the object appears whole', async () => {
    const par = await issuer.createPar({
      bucket,
      key: 'big/presigned.bin',
      permissions: ['write'],
      multipart: { parts: 4 },
      expiresIn: 900,
      recipients: [keys.recipient],
    });
    const endpoint = await endpointOf(par);
    expect(endpoint.parts?.limits).toEqual({
      minPartSize: 5 * MiB,
      maxPartSize: 5 * 1024 * MiB,
      maxParts: 4,
    });
    const data = randomBytes(11 * MiB);
    const { upload, uploaded } = await uploadInParts(endpoint, data, 5 * MiB);
    expect(uploaded.map((part) => part.size)).toEqual([1 * MiB, 5 * MiB, 5 * MiB]);
    expect(await getObject(issuer, bucket, 'big/presigned.bin')).toBe(404);
    const stat = await upload.complete(uploaded, {});
    expect(stat.size).toBe(data.length);
    const head = await fetch(
      issuer.presign({ method: 'HEAD', bucket, key: 'big/presigned.bin', expiresIn: 60 }),
      { method: 'HEAD' },
    );
    expect(head.headers.get('etag')).toMatch(/-3"$/);
    expect(
      Buffer.from((await getObject(issuer, bucket, 'big/presigned.bin')) as Uint8Array).equals(data),
    ).toBe(true);
    await expect(endpoint.parts?.begin({})).rejects.toBeInstanceOf(ConflictError);
  });

  it('abort frees the parts and nothing appears', async () => {
    const par = await issuer.createPar({
      bucket,
      key: 'big/aborted.bin',
      permissions: ['write'],
      multipart: { parts: 2 },
      expiresIn: 900,
      recipients: [keys.recipient],
    });
    const endpoint = await endpointOf(par);
    const { upload } = await uploadInParts(endpoint, randomBytes(6 * MiB), 5 * MiB);
    await upload.abort({});
    await expect(upload.uploadPart(1, new Uint8Array(10), {})).rejects.toBeInstanceOf(NotFoundError);
    expect(await getObject(issuer, bucket, 'big/aborted.bin')).toBe(404);
  });

  it('temporary credentials: any number of uploads, each signed as it goes', async () => {
    const par = await issuer.createPar({
      bucket,
      prefix: 'sts/',
      permissions: ['write', 'read'],
      expiresIn: 900,
      recipients: [keys.recipient],
    });
    const secret = await par.url(keys.identity);
    const bucketEndpoint = s3Dialect.bucket?.(secret, { par, fetch: globalThis.fetch.bind(globalThis) });
    for (const name of ['sts/one.bin', 'sts/two.bin']) {
      const endpoint = bucketEndpoint?.object(name) as ObjectEndpoint;
      expect(endpoint.parts?.limits.maxParts).toBe(10_000);
      const data = randomBytes(7 * MiB);
      const { upload, uploaded } = await uploadInParts(endpoint, data, 5 * MiB);
      expect((await upload.complete(uploaded, {})).size).toBe(data.length);
      expect(Buffer.from((await getObject(issuer, bucket, name)) as Uint8Array).equals(data)).toBe(true);
    }
  });

  it('the issuer can start, pre-sign parts of, and finish an upload itself', async () => {
    const key = 'big/issuer ünïcödé + parts.bin';
    const uploadId = await issuer.createMultipartUpload({ bucket, key, contentType: 'application/x-test' });
    const data = randomBytes(6 * MiB);
    const parts = [];
    for (const [index, chunk] of [data.subarray(0, 5 * MiB), data.subarray(5 * MiB)].entries()) {
      const url = issuer.presignUploadPart({ bucket, key, uploadId, partNumber: index + 1, expiresIn: 300 });
      const response = await fetch(url, { method: 'PUT', body: chunk });
      expect(response.status).toBe(200);
      parts.push({
        partNumber: index + 1,
        etag: (response.headers.get('etag') ?? '').replace(/"/g, ''),
        size: chunk.length,
      });
    }
    const stat = await issuer.completeMultipartUpload({ bucket, key, uploadId, parts });
    expect(stat.size).toBe(data.length);
    const head = await fetch(issuer.presign({ method: 'HEAD', bucket, key, expiresIn: 60 }), {
      method: 'HEAD',
    });
    expect(head.headers.get('content-type')).toBe('application/x-test');
    expect(Buffer.from((await getObject(issuer, bucket, key)) as Uint8Array).equals(data)).toBe(true);

    const abandoned = await issuer.createMultipartUpload({ bucket, key: 'big/abandoned.bin' });
    await issuer.abortMultipartUpload({ bucket, key: 'big/abandoned.bin', uploadId: abandoned });
    const late = await fetch(
      issuer.presignUploadPart({
        bucket,
        key: 'big/abandoned.bin',
        uploadId: abandoned,
        partNumber: 1,
        expiresIn: 60,
      }),
      {
        method: 'PUT',
        body: 'x',
      },
    );
    expect(late.status).toBe(404);
  });
});
