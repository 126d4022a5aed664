/**
 * S3Issuer without a server: the AWS documentation's example URL, addressing styles, encoding,
 * the injected clock, and every configuration and argument mistake as a typed error that names
 * the field and never shows a credential.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_PRESIGN_SECONDS, S3Issuer, type S3IssuerOptions } from '../../../src/index.js';

const example = JSON.parse(
  readFileSync(new URL('../../vectors/aws-sigv4/s3-presign-example.json', import.meta.url), 'utf8'),
) as {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  endpoint: string;
  bucket: string;
  key: string;
  timestamp: string;
  expiresIn: number;
  expectedUrl: string;
};

const SECRET = 'sEcReT/Value+ThatMustNeverShow0123456789';
const base: S3IssuerOptions = {
  endpoint: 'https://s3.eu-west-1.amazonaws.com',
  region: 'eu-west-1',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: SECRET,
  now: () => Date.UTC(2026, 10, 22, 12, 0, 0),
};
const issuer = (extra: Partial<S3IssuerOptions> = {}) => new S3Issuer({ ...base, ...extra });

function failure(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('S3Issuer.presign', () => {
  it('reproduces the AWS documentation example exactly', () => {
    const documented = new S3Issuer({
      endpoint: example.endpoint,
      region: example.region,
      accessKeyId: example.accessKeyId,
      secretAccessKey: example.secretAccessKey,
      now: () => Date.parse(example.timestamp),
    });
    expect(
      documented.presign({
        method: 'GET',
        bucket: example.bucket,
        key: example.key,
        expiresIn: example.expiresIn,
      }),
    ).toBe(example.expectedUrl);
  });

  it('addresses buckets virtual-hosted on named hosts, path-style on IPs, localhost and dotted names', () => {
    const url = (extra: Partial<S3IssuerOptions>, bucket = 'reports') =>
      new URL(issuer(extra).presign({ method: 'GET', bucket, key: 'q3.csv', expiresIn: 60 }));
    expect(url({}).host).toBe('reports.s3.eu-west-1.amazonaws.com');
    expect(url({}).pathname).toBe('/q3.csv');
    expect(url({ forcePathStyle: true }).pathname).toBe('/reports/q3.csv');
    expect(url({}, 'with.dots').pathname).toBe('/with.dots/q3.csv');
    expect(url({ endpoint: 'http://127.0.0.1:7480' }).href).toMatch(
      /^http:\/\/127\.0\.0\.1:7480\/reports\/q3\.csv\?/,
    );
    expect(url({ endpoint: 'http://localhost:9000' }).pathname).toBe('/reports/q3.csv');
    expect(url({ endpoint: 'http://[::1]:9000' }).pathname).toBe('/reports/q3.csv');
    expect(url({ endpoint: 'http://localhost:9000', forcePathStyle: false }).host).toBe(
      'reports.localhost:9000',
    );
    const bucketUrl = new URL(
      issuer().presign({ method: 'GET', bucket: 'reports', expiresIn: 60, query: { 'list-type': '2' } }),
    );
    expect(bucketUrl.pathname).toBe('/');
    expect(bucketUrl.searchParams.get('list-type')).toBe('2');
  });

  it('encodes keys once, byte by byte, keeping "/"', () => {
    const url = issuer({ forcePathStyle: true }).presign({
      method: 'GET',
      bucket: 'b-1',
      key: "a b+c=d?e#f!g'h(i)j*k%l/ü/🎉",
      expiresIn: 60,
    });
    expect(url.split('?')[0]).toBe(
      'https://s3.eu-west-1.amazonaws.com/b-1/a%20b%2Bc%3Dd%3Fe%23f%21g%27h%28i%29j%2Ak%25l/%C3%BC/%F0%9F%8E%89',
    );
    // The URL survives parsing unchanged (fetch parses it before sending).
    expect(new URL(url).href).toBe(url);
  });

  it('signs at the injected clock, for the lifetime asked, up to 7 days', () => {
    const query = new URL(
      issuer().presign({ method: 'PUT', bucket: 'b-1', key: 'k', expiresIn: MAX_PRESIGN_SECONDS }),
    ).searchParams;
    expect(query.get('X-Amz-Date')).toBe('20261122T120000Z');
    expect(query.get('X-Amz-Expires')).toBe('604800');
    expect(query.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261122/eu-west-1/s3/aws4_request');
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const again = issuer().presign({
      method: 'PUT',
      bucket: 'b-1',
      key: 'k',
      expiresIn: MAX_PRESIGN_SECONDS,
    });
    expect(new URL(again).searchParams.get('X-Amz-Signature')).toBe(query.get('X-Amz-Signature'));
    const other = issuer().presign({
      method: 'GET',
      bucket: 'b-1',
      key: 'k',
      expiresIn: MAX_PRESIGN_SECONDS,
    });
    expect(new URL(other).searchParams.get('X-Amz-Signature')).not.toBe(query.get('X-Amz-Signature'));
  });

  it('signs extra headers and query parameters in canonical order', () => {
    const query = new URL(
      issuer().presign({
        method: 'PUT',
        bucket: 'b-1',
        key: 'k',
        expiresIn: 60,
        headers: { 'Content-Type': 'text/csv', 'x-amz-checksum-sha256': 'abc=' },
        query: { partNumber: '2', uploadId: 'u p' },
      }),
    ).searchParams;
    expect(query.get('X-Amz-SignedHeaders')).toBe('content-type;host;x-amz-checksum-sha256');
    expect([...query.keys()]).toEqual([
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
      'partNumber',
      'uploadId',
      'X-Amz-Signature',
    ]);
    expect(query.get('uploadId')).toBe('u p');
  });

  it('adds the session token of temporary credentials', () => {
    const query = new URL(
      issuer({ sessionToken: 'token/with+chars=' }).presign({
        method: 'GET',
        bucket: 'b-1',
        key: 'k',
        expiresIn: 60,
      }),
    ).searchParams;
    expect(query.get('X-Amz-Security-Token')).toBe('token/with+chars=');
  });
});

describe('mistakes are typed errors naming the field, never showing a secret', () => {
  const cases: [string, () => unknown, ErrorConstructor, RegExp][] = [
    ['endpoint missing', () => issuer({ endpoint: undefined as unknown as string }), TypeError, /endpoint/],
    [
      'endpoint with a path',
      () => issuer({ endpoint: 'https://s3.example.com/base' }),
      TypeError,
      /endpoint/,
    ],
    ['endpoint not http', () => issuer({ endpoint: 'ftp://s3.example.com' }), TypeError, /endpoint/],
    ['region malformed', () => issuer({ region: 'EU West' }), RangeError, /region/],
    ['accessKeyId missing', () => issuer({ accessKeyId: '' }), TypeError, /accessKeyId/],
    ['accessKeyId with a slash', () => issuer({ accessKeyId: 'a/b' }), TypeError, /accessKeyId/],
    [
      'secretAccessKey missing',
      () => issuer({ secretAccessKey: undefined as unknown as string }),
      TypeError,
      /secretAccessKey/,
    ],
    [
      'secretAccessKey with a space',
      () => issuer({ secretAccessKey: `${SECRET} x` }),
      TypeError,
      /secretAccessKey/,
    ],
    ['sessionToken empty', () => issuer({ sessionToken: '' }), TypeError, /sessionToken/],
    [
      'forcePathStyle not boolean',
      () => issuer({ forcePathStyle: 'yes' as unknown as boolean }),
      TypeError,
      /forcePathStyle/,
    ],
    ['sts.roleArn malformed', () => issuer({ sts: { roleArn: 'role/x' } }), TypeError, /roleArn/],
    [
      'sts.maxSessionSeconds too long',
      () => issuer({ sts: { roleArn: 'arn:aws:iam::123456789012:role/x', maxSessionSeconds: 50_000 } }),
      RangeError,
      /maxSessionSeconds/,
    ],
    [
      'bucket too short',
      () => issuer().presign({ method: 'GET', bucket: 'ab', key: 'k', expiresIn: 60 }),
      RangeError,
      /bucket/,
    ],
    [
      'bucket upper case',
      () => issuer().presign({ method: 'GET', bucket: 'Reports', key: 'k', expiresIn: 60 }),
      RangeError,
      /bucket/,
    ],
    [
      'bucket adjacent periods',
      () => issuer().presign({ method: 'GET', bucket: 'a..b', key: 'k', expiresIn: 60 }),
      RangeError,
      /bucket/,
    ],
    [
      'bucket like an IP',
      () => issuer().presign({ method: 'GET', bucket: '192.168.1.1', key: 'k', expiresIn: 60 }),
      RangeError,
      /bucket/,
    ],
    [
      'bucket reserved prefix',
      () => issuer().presign({ method: 'GET', bucket: 'xn--abc', key: 'k', expiresIn: 60 }),
      RangeError,
      /bucket/,
    ],
    [
      'bucket reserved suffix',
      () => issuer().presign({ method: 'GET', bucket: 'abc-s3alias', key: 'k', expiresIn: 60 }),
      RangeError,
      /bucket/,
    ],
    [
      'expiresIn zero',
      () => issuer().presign({ method: 'GET', bucket: 'b-1', key: 'k', expiresIn: 0 }),
      RangeError,
      /expiresIn/,
    ],
    [
      'expiresIn over 7 days',
      () => issuer().presign({ method: 'GET', bucket: 'b-1', key: 'k', expiresIn: 604_801 }),
      RangeError,
      /expiresIn.*7 days/,
    ],
    [
      'expiresIn fractional',
      () => issuer().presign({ method: 'GET', bucket: 'b-1', key: 'k', expiresIn: 1.5 }),
      RangeError,
      /expiresIn/,
    ],
    [
      'expiresIn a string',
      () =>
        issuer().presign({ method: 'GET', bucket: 'b-1', key: 'k', expiresIn: '60' as unknown as number }),
      TypeError,
      /expiresIn/,
    ],
    [
      'method unknown',
      () => issuer().presign({ method: 'PATCH' as 'GET', bucket: 'b-1', key: 'k', expiresIn: 60 }),
      RangeError,
      /method/,
    ],
    [
      'key empty',
      () => issuer().presign({ method: 'GET', bucket: 'b-1', key: '', expiresIn: 60 }),
      RangeError,
      /key/,
    ],
    [
      'key with a dot segment',
      () => issuer().presign({ method: 'GET', bucket: 'b-1', key: 'a/../b', expiresIn: 60 }),
      RangeError,
      /key/,
    ],
    [
      'key too long',
      () => issuer().presign({ method: 'GET', bucket: 'b-1', key: 'é'.repeat(513), expiresIn: 60 }),
      RangeError,
      /key/,
    ],
    [
      'header host',
      () =>
        issuer().presign({ method: 'GET', bucket: 'b-1', key: 'k', expiresIn: 60, headers: { Host: 'x' } }),
      TypeError,
      /headers/,
    ],
    [
      'query signing parameter',
      () =>
        issuer().presign({
          method: 'GET',
          bucket: 'b-1',
          key: 'k',
          expiresIn: 60,
          query: { 'X-Amz-Signature': 'x' },
        }),
      TypeError,
      /query/,
    ],
    [
      'post size range',
      () => issuer().presignPost({ bucket: 'b-1', expiresIn: 60, minSize: 10, maxSize: 5 }),
      RangeError,
      /maxSize/,
    ],
    [
      'upload part number',
      () =>
        issuer().presignUploadPart({
          bucket: 'b-1',
          key: 'k',
          uploadId: 'u',
          partNumber: 10_001,
          expiresIn: 60,
        }),
      RangeError,
      /partNumber/,
    ],
  ];
  for (const [name, run, kind, field] of cases) {
    it(name, () => {
      const error = failure(run);
      expect(error).toBeInstanceOf(kind);
      expect(error.message).toMatch(field);
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain('sEcReT');
    });
  }

  it('the issuer shows only its endpoint and region', () => {
    const shown = [String(issuer()), JSON.stringify(issuer())];
    for (const text of shown) {
      expect(text).toContain('s3.eu-west-1.amazonaws.com');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('AKIDEXAMPLE');
    }
  });
});
