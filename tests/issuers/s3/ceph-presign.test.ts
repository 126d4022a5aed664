/**
 * S3Issuer.presign against a real Ceph RGW: every method, awkward keys, signed headers and
 * query parameters, ListObjectsV2, and the refusals (expired, tampered, wrong method).
 */
import { request } from 'node:http';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseListing } from '../../../src/access/dialects/s3/listing.js';
import { S3Issuer } from '../../../src/index.js';
import { keyPair } from '../../helpers/fixtures.js';
import {
  AWKWARD_KEYS,
  bucketName,
  ceph,
  cephIssuer,
  createBucket,
  getObject,
  putObject,
} from './ceph-helpers.js';

const issuer = cephIssuer();
const bucket = bucketName('presign');

beforeAll(async () => {
  await createBucket(issuer, bucket);
  await putObject(issuer, bucket, 'fixed.txt', 'fixed content');
});

const status = async (url: string, init: RequestInit = {}) => {
  const response = await fetch(url, init);
  await response.body?.cancel();
  return response.status;
};

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
    expect(listing.status).toBe(200);
    const listed = parseListing(await listing.text()).objects.map((object) => object.key);
    expect(listed).toEqual([...AWKWARD_KEYS, 'fixed.txt'].sort());
    for (const key of AWKWARD_KEYS) {
      const removed = await fetch(issuer.presign({ method: 'DELETE', bucket, key, expiresIn: 60 }), {
        method: 'DELETE',
      });
      expect(removed.status, key).toBe(204);
      expect(await getObject(issuer, bucket, key), key).toBe(404);
    }
  });
});

describe('the gateway refuses what was not signed', () => {
  it('expired, tampered (signature, key, expiry, extra parameter) and wrong-method URLs get 403', async () => {
    const stale = cephIssuer({ now: () => DateTime.utc().minus({ hours: 2 }) });
    expect(await status(stale.presign({ method: 'GET', bucket, key: 'fixed.txt', expiresIn: 3600 }))).toBe(
      403,
    );
    const url = issuer.presign({ method: 'GET', bucket, key: 'fixed.txt', expiresIn: 600 });
    expect(await status(url)).toBe(200);
    const signature = new URL(url).searchParams.get('X-Amz-Signature') ?? '';
    const flipped = signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(await status(url.replace(signature, flipped))).toBe(403);
    expect(await status(url.replace('/fixed.txt?', '/fixed.txT?'))).toBe(403);
    expect(await status(url.replace('X-Amz-Expires=600', 'X-Amz-Expires=6000'))).toBe(403);
    expect(await status(`${url}&versionId=null`)).toBe(403);
    expect(await status(url, { method: 'DELETE' })).toBe(403);
    expect(await status(url, { method: 'PUT', body: 'overwritten' })).toBe(403);
    expect(new TextDecoder().decode((await getObject(issuer, bucket, 'fixed.txt')) as Uint8Array)).toBe(
      'fixed content',
    );
  });

  it('a signed content type must be sent as signed', async () => {
    const url = issuer.presign({
      method: 'PUT',
      bucket,
      key: 'typed.csv',
      expiresIn: 600,
      headers: { 'content-type': 'text/csv' },
    });
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    expect(await status(url, { method: 'PUT', body: 'a,b', headers: { 'content-type': 'text/plain' } })).toBe(
      403,
    );
    expect(await status(url, { method: 'PUT', body: 'a,b', headers: { 'content-type': 'text/csv' } })).toBe(
      200,
    );
  });

  it('signed query parameters change the answer (response-content-disposition)', async () => {
    const url = issuer.presign({
      method: 'GET',
      bucket,
      key: 'fixed.txt',
      expiresIn: 600,
      query: { 'response-content-disposition': 'attachment; filename="report (final).txt"' },
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="report (final).txt"');
    expect(await response.text()).toBe('fixed content');
  });

  it('URLs signed with temporary credentials carry the session token', async () => {
    const keys = await keyPair();
    const par = await issuer.createPar({
      bucket,
      prefix: 'fixed',
      permissions: ['read'],
      expiresIn: 900,
      recipients: [keys.recipient],
    });
    const temporary = JSON.parse(await par.url(keys.identity)) as {
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string;
    };
    const withToken = new S3Issuer({ endpoint: ceph().endpoint, region: ceph().region, ...temporary });
    const url = withToken.presign({ method: 'GET', bucket, key: 'fixed.txt', expiresIn: 300 });
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe(temporary.sessionToken);
    expect(await status(url)).toBe(200);
    const withoutToken = new URL(url);
    withoutToken.searchParams.delete('X-Amz-Security-Token');
    expect(await status(withoutToken.href)).toBe(403);
    expect(
      await status(withToken.presign({ method: 'PUT', bucket, key: 'fixed.txt', expiresIn: 300 }), {
        method: 'PUT',
        body: 'x',
      }),
    ).toBe(403);
  });
});

describe('virtual-hosted URLs', () => {
  it('the gateway serves bucket.host URLs (sent to loopback with their Host header)', async () => {
    const port = new URL(ceph().endpoint).port;
    const virtual = cephIssuer({ endpoint: `http://localhost:${port}`, forcePathStyle: false });
    const url = new URL(virtual.presign({ method: 'GET', bucket, key: 'fixed.txt', expiresIn: 300 }));
    expect(url.host).toBe(`${bucket}.localhost:${port}`);
    expect(url.pathname).toBe('/fixed.txt');
    // *.localhost does not resolve here: connect to loopback and send the URL's Host as is.
    const get = (target: URL) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const outgoing = request(
          {
            host: '127.0.0.1',
            port,
            path: `${target.pathname}${target.search}`,
            headers: { host: target.host },
          },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              body += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        outgoing.on('error', reject);
        outgoing.end();
      });
    expect(await get(url)).toEqual({ status: 200, body: 'fixed content' });
    const tampered = new URL(url.href.replace(`${bucket}.localhost`, `${bucket}x.localhost`));
    expect((await get(tampered)).status).toBe(403);
  });
});
