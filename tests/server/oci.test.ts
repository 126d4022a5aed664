/**
 * OCI PAR URLs: parsing, the permissions each access type grants, wrapping as `oci` Pars, the
 * ListObjects parser against OCI's documented shape (tests/vectors/oci), and the oci dialect
 * proven against the parkit server, which speaks the same URL shape and listing dialect.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListObjects } from '../../src/access/dialects/oci-shape.js';
import {
  type BucketReader,
  type BucketWriter,
  type ObjectReader,
  ociPermissions,
  parseOciParUrl,
  wrapOciPar,
} from '../../src/index.js';
import { keyPair } from '../helpers/fixtures.js';
import { startServer, type TestServer } from './helpers.js';

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/oci/list-objects.json', import.meta.url), 'utf8'),
);

describe('OCI PAR URLs', () => {
  it('parses the object and bucket forms', () => {
    for (const vector of vectors.parUrls) {
      expect(parseOciParUrl(vector.url)).toEqual({
        origin: new URL(vector.url).origin,
        namespace: vector.namespace,
        bucket: vector.bucket,
        ...(vector.object === undefined ? {} : { object: vector.object }),
      });
    }
  });

  it('refuses other URLs without echoing them', () => {
    for (const bad of [
      'https://example.com/p/tok/n/ns/b/bucket',
      'not a url',
      'https://x/p/t/n/n/b/b/o/k?sig=SECRET',
      'ftp://x/p/t/n/n/b/b/o/',
    ]) {
      const error = (() => {
        try {
          parseOciParUrl(bad);
        } catch (e) {
          return e as Error;
        }
        throw new Error('accepted');
      })();
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).not.toContain('SECRET');
      expect(error.message).not.toContain('tok/');
    }
  });

  it('maps access types to permissions', () => {
    expect(ociPermissions('ObjectRead')).toEqual(['read']);
    expect(ociPermissions('ObjectWrite')).toEqual(['write']);
    expect(ociPermissions('ObjectReadWrite')).toEqual(['read', 'write']);
    expect(ociPermissions('AnyObjectRead', 'ListObjects')).toEqual(['read', 'list']);
    expect(ociPermissions('AnyObjectReadWrite', 'ListObjects')).toEqual(['read', 'write', 'list']);
    expect(ociPermissions('AnyObjectWrite')).toEqual(['write']);
    expect(() => ociPermissions('AnyObjectWrite', 'ListObjects')).toThrow(RangeError);
    expect(() => ociPermissions('Everything' as 'ObjectRead')).toThrow(RangeError);
  });

  it('wraps a PAR URL as a sealed oci Par, checking the form against the access type', async () => {
    const { recipient } = await keyPair();
    const [objectUrl, bucketUrl] = vectors.parUrls;
    const object = await wrapOciPar({
      url: objectUrl.url,
      accessType: 'ObjectRead',
      expires: { days: 1 },
      recipients: [recipient],
    });
    expect(object.driver).toBe('oci');
    expect(object.target).toEqual({ kind: 'object', bucket: 'my-bucket', key: 'reports/2026/q3 final.csv' });
    expect(String(object)).not.toContain('token');
    const bucket = await wrapOciPar({
      url: bucketUrl.url,
      accessType: 'AnyObjectRead',
      bucketListing: 'ListObjects',
      prefix: 'in/',
      expires: { days: 1 },
      recipients: [recipient],
    });
    expect(bucket.target).toEqual({ kind: 'bucket', bucket: 'shared', prefix: 'in/' });
    await expect(
      wrapOciPar({
        url: bucketUrl.url,
        accessType: 'ObjectRead',
        expires: { days: 1 },
        recipients: [recipient],
      }),
    ).rejects.toThrow(TypeError);
    await expect(
      wrapOciPar({
        url: objectUrl.url,
        accessType: 'AnyObjectRead',
        expires: { days: 1 },
        recipients: [recipient],
      }),
    ).rejects.toThrow(TypeError);
    await expect(
      wrapOciPar({ url: objectUrl.url, accessType: 'ObjectRead', recipients: [recipient] } as never),
    ).rejects.toThrow(/expires is required/);
  });

  it('parses a ListObjects answer of the documented shape', () => {
    const page = parseListObjects(vectors.response);
    expect({
      ...page,
      objects: page.objects.map((o) => ({
        ...o,
        ...(o.lastModified ? { lastModified: o.lastModified.toISO() } : {}),
      })),
    }).toEqual(vectors.expected);
    expect(() => parseListObjects({ items: [] })).toThrow(/ListObjects/);
    expect(() => parseListObjects({ objects: [{ size: 1 }] })).toThrow(/without a name/);
  });
});

describe('the oci dialect against a server of the same shape', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await t.admin.createBucket('oci');
  });
  afterAll(() => t.stop());

  it('reads, lists page by page and writes through wrapped PAR URLs; close says OCI revokes', async () => {
    const { url } = await t.mint({ bucket: 'oci', permissions: ['read', 'write', 'list'] });
    const writable = await wrapOciPar({
      url,
      accessType: 'AnyObjectReadWrite',
      bucketListing: 'ListObjects',
      expires: { minutes: 30 },
      recipients: [t.recipient],
    });
    const writer = (await writable.write(t.identity)) as BucketWriter;
    for (const key of ['a/1.txt', 'a/2.txt', 'b.txt']) await writer.setStringObject(key, key);
    const reader = (await writable.read(t.identity)) as BucketReader;
    const first = await reader.listObjects({ pageSize: 2 });
    expect(first.objects.map((o) => o.key)).toEqual(['a/1.txt', 'a/2.txt']);
    expect(first.continuation).toBe('b.txt');
    expect((await reader.listObjects({ delimiter: '/' })).prefixes).toEqual(['a/']);
    const { url: objectUrl } = await t.mint({ bucket: 'oci', key: 'b.txt', permissions: ['read'] });
    const object = await wrapOciPar({
      url: objectUrl,
      accessType: 'ObjectRead',
      expires: { minutes: 30 },
      recipients: [t.recipient],
    });
    expect(await ((await object.read(t.identity)) as ObjectReader).getStringObject()).toBe('b.txt');
    await expect(object.close(t.identity)).rejects.toMatchObject({ code: 'PARKIT_NOT_SUPPORTED' });
  });
});
