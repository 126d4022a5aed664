/**
 * S3Issuer.createPar without a server: what each kind of Par carries (the sealed bundle, opened
 * here), and its argument checks. The same Pars are used against Ceph in the ceph-*.test.ts files.
 */
import { describe, expect, it } from 'vitest';
import { parseS3Secret } from '../../../src/access/dialects/s3/secret.js';
import { FormatError, MAX_PRESIGNED_PARTS, S3Issuer } from '../../../src/index.js';
import { sessionPolicy } from '../../../src/issuers/s3/session-policy.js';
import { keyPair } from '../../helpers/fixtures.js';

const keys = await keyPair();
const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const issuer = new S3Issuer({
  endpoint: 'https://s3.eu-west-1.amazonaws.com',
  region: 'eu-west-1',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'secret',
  now: () => now,
});
const mint = (options: Partial<Parameters<S3Issuer['createPar']>[0]>) =>
  issuer.createPar({
    bucket: 'reports',
    permissions: ['read'],
    expiresIn: 600,
    recipients: [keys.recipient],
    ...options,
  });

describe('what S3 Pars carry', () => {
  it('an object Par: one URL per method its permissions need, expiring with the URLs', async () => {
    const par = await mint({ key: 'q3.csv', permissions: ['read', 'delete'], name: 'q3' });
    expect(par.expires.toISO()).toBe('2026-11-22T12:10:00.000Z');
    expect(par.created.toMillis()).toBe(now);
    expect(par.name).toBe('q3');
    const secret = parseS3Secret(await par.url(keys.identity, { buffer: 0 }));
    if (typeof secret === 'string' || secret.kind !== 'urls') throw new Error('expected a URL set');
    expect(Object.keys(secret).sort()).toEqual(['delete', 'get', 'head', 'kind', 'v']);
    const methodOf = (url: string | undefined) => new URL(url ?? '').searchParams.get('X-Amz-Signature');
    expect(new Set([methodOf(secret.get), methodOf(secret.head), methodOf(secret.delete)]).size).toBe(3);
    expect(secret.get?.startsWith('https://reports.s3.eu-west-1.amazonaws.com/q3.csv?')).toBe(true);
  });

  it('a write-only bucket Par: a POST policy with the prefix, size range and expiry', async () => {
    const par = await mint({ prefix: 'in/', permissions: ['write'], maxSize: 1000, minSize: 1 });
    expect(par.target).toEqual({ kind: 'bucket', bucket: 'reports', prefix: 'in/' });
    const secret = parseS3Secret(await par.url(keys.identity, { buffer: 0 }));
    if (typeof secret === 'string' || secret.kind !== 'post') throw new Error('expected a POST policy');
    expect(secret.url).toBe('https://reports.s3.eu-west-1.amazonaws.com/');
    const policy = JSON.parse(atob(secret.fields.policy ?? '')) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.expiration).toBe('2026-11-22T12:10:00.000Z');
    expect(policy.conditions).toEqual([
      { bucket: 'reports' },
      ['starts-with', '$key', 'in/'],
      ['content-length-range', 1, 1000],
      ['starts-with', '$Content-Type', ''],
      { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
      { 'x-amz-credential': 'AKIDEXAMPLE/20261122/eu-west-1/s3/aws4_request' },
      { 'x-amz-date': '20261122T120000Z' },
    ]);
    expect(secret.fields['x-amz-signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('session policies allow exactly the Par actions under the prefix until the expiry', () => {
    const policy = JSON.parse(
      sessionPolicy({
        partition: 'aws',
        bucket: 'reports',
        prefix: 'in/',
        permissions: ['read', 'write', 'list'],
        expires: new Date(now),
      }),
    );
    const until = { DateLessThan: { 'aws:CurrentTime': '2026-11-22T12:00:00.000Z' } };
    expect(policy.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: ['arn:aws:s3:::reports/in/*'],
        Condition: until,
      },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: ['arn:aws:s3:::reports'],
        Condition: { ...until, StringLike: { 's3:prefix': ['in/*'] } },
      },
    ]);
  });
});

describe('createPar argument checks', () => {
  const cases: [string, Partial<Parameters<S3Issuer['createPar']>[0]>, ErrorConstructor, RegExp][] = [
    ['key and prefix together', { key: 'k', prefix: 'p/' }, TypeError, /key or prefix/],
    ['list on an object', { key: 'k', permissions: ['list'] }, RangeError, /list/],
    ['read on a bucket without STS', { prefix: 'p/', permissions: ['read', 'list'] }, TypeError, /sts/],
    [
      'post with read',
      { prefix: 'p/', permissions: ['read', 'write'], via: 'post' },
      TypeError,
      /write-only/,
    ],
    ['post for an object', { key: 'k', permissions: ['write'], via: 'post' }, TypeError, /bucket Pars/],
    ['content type without write', { key: 'k', contentType: 'text/csv' }, TypeError, /contentType/],
    [
      'bad checksum',
      { key: 'k', permissions: ['write'], checksumSha256: 'abc' },
      TypeError,
      /checksumSha256/,
    ],
    [
      'too many parts',
      { key: 'k', permissions: ['write'], multipart: { parts: MAX_PRESIGNED_PARTS + 1 } },
      RangeError,
      /multipart.parts/,
    ],
    ['lifetime over 7 days', { key: 'k', expiresIn: 604_801 }, RangeError, /expiresIn/],
    ['unknown via', { key: 'k', via: 'magic' as 'post' }, RangeError, /via/],
    ['bad bucket', { bucket: 'Bad_Bucket', key: 'k' }, RangeError, /bucket/],
  ];
  for (const [name, options, kind, message] of cases) {
    it(name, async () => {
      const error = await mint(options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(kind);
      expect((error as Error).message).toMatch(message);
    });
  }

  it('temporary credentials refuse wildcard prefixes and lifetimes beyond the role maximum', async () => {
    const withSts = new S3Issuer({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sts: { roleArn: 'arn:aws:iam:::role/r', maxSessionSeconds: 1800 },
    });
    const base = { bucket: 'reports', permissions: ['read', 'list'] as const, recipients: [keys.recipient] };
    await expect(withSts.createPar({ ...base, prefix: 'a*', expiresIn: 60 })).rejects.toThrow(RangeError);
    await expect(withSts.createPar({ ...base, prefix: 'p/', expiresIn: 1801 })).rejects.toThrow(
      /maxSessionSeconds/,
    );
  });
});

describe('bundles the s3 dialect refuses', () => {
  const bad: [string, string][] = [
    ['not JSON', '{nope'],
    ['unknown version', '{"v":2,"kind":"urls"}'],
    ['unknown kind', '{"v":1,"kind":"magic"}'],
    ['a prototype key', '{"v":1,"kind":"urls","__proto__":{}}'],
    ['a non-http URL', '{"v":1,"kind":"urls","get":"file:///etc/passwd"}'],
    [
      'credentials without a token',
      '{"v":1,"kind":"credentials","endpoint":"http://x","region":"r","bucket":"b","pathStyle":true,"accessKeyId":"a","secretAccessKey":"s","expires":"2026-01-01T00:00:00Z"}',
    ],
    [
      'parts without a template',
      '{"v":1,"kind":"urls","parts":{"partUrl":"http://x/","signatures":["00"],"complete":"http://x","abort":"http://x"}}',
    ],
    ['a plain string that is no URL', 'not a url'],
  ];
  for (const [name, secret] of bad) {
    it(name, () => {
      expect(() => parseS3Secret(secret)).toThrow(FormatError);
    });
  }
});
