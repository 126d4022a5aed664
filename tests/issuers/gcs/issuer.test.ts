/**
 * GcsIssuer beyond the conformance cases: GOOG4-HMAC-SHA256 checked against an independent
 * HMAC computation (node:crypto), object Pars, and configuration and argument mistakes.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseS3Secret } from '../../../src/access/dialects/s3/secret.js';
import { GcsIssuer, type GcsIssuerOptions } from '../../../src/index.js';
import { keyPair } from '../../helpers/fixtures.js';

const serviceAccount = JSON.parse(
  readFileSync(new URL('../../vectors/gcs-v4/service-account.json', import.meta.url), 'utf8'),
) as { client_email: string; private_key: string };
const hmacKey = { accessId: 'GOOG1EXAMPLEACCESSID', secret: 'bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ' };
const at = Date.UTC(2026, 10, 22, 12, 0, 0);

describe('GOOG4-HMAC-SHA256', () => {
  it('matches an independent computation of the V4 signature', async () => {
    const issuer = new GcsIssuer({ hmacKey, now: () => at });
    const url = await issuer.presign({
      method: 'GET',
      bucket: 'my-bucket',
      key: 'dir/file name.txt',
      expiresIn: 900,
    });
    const [base, query = ''] = url.split('?');
    expect(base).toBe('https://storage.googleapis.com/my-bucket/dir/file%20name.txt');
    const unsigned = query.split('&X-Goog-Signature=')[0];
    expect(unsigned).toBe(
      'X-Goog-Algorithm=GOOG4-HMAC-SHA256&X-Goog-Credential=GOOG1EXAMPLEACCESSID%2F20261122%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20261122T120000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host',
    );
    const canonical = `GET\n/my-bucket/dir/file%20name.txt\n${unsigned}\nhost:storage.googleapis.com\n\nhost\nUNSIGNED-PAYLOAD`;
    const stringToSign = `GOOG4-HMAC-SHA256\n20261122T120000Z\n20261122/auto/storage/goog4_request\n${createHash('sha256').update(canonical).digest('hex')}`;
    let key: Buffer = createHmac('sha256', `GOOG4${hmacKey.secret}`).update('20261122').digest();
    for (const part of ['auto', 'storage', 'goog4_request'])
      key = createHmac('sha256', key).update(part).digest();
    expect(new URL(url).searchParams.get('X-Goog-Signature')).toBe(
      createHmac('sha256', key).update(stringToSign).digest('hex'),
    );
  });
});

describe('GCS object Pars', () => {
  it('carry one signed URL per method, for the lifetime asked', async () => {
    const keys = await keyPair();
    const issuer = new GcsIssuer({ serviceAccount, now: () => at });
    const par = await issuer.createPar({
      bucket: 'my-bucket',
      key: 'reports/q3.csv',
      permissions: ['read', 'write'],
      contentType: 'text/csv',
      expiresIn: 3600,
      recipients: [keys.recipient],
    });
    expect(par.driver).toBe('gcs');
    expect(par.expires.toISO()).toBe('2026-11-22T13:00:00.000Z');
    const secret = parseS3Secret(await par.url(keys.identity, { buffer: 0 }));
    if (typeof secret === 'string' || secret.kind !== 'urls') throw new Error('expected a URL set');
    expect(Object.keys(secret).sort()).toEqual(['get', 'head', 'kind', 'put', 'putHeaders', 'v']);
    expect(new URL(secret.put ?? '').searchParams.get('X-Goog-SignedHeaders')).toBe('content-type;host');
    expect(secret.putHeaders).toEqual({ 'content-type': 'text/csv' });
    expect(new URL(secret.get ?? '').searchParams.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
  });
});

describe('GcsIssuer mistakes are typed errors naming the field', () => {
  const cases: [string, GcsIssuerOptions, ErrorConstructor, RegExp][] = [
    ['no key', {}, TypeError, /serviceAccount and hmacKey/],
    ['both keys', { serviceAccount, hmacKey }, TypeError, /serviceAccount and hmacKey/],
    [
      'service account without e-mail',
      { serviceAccount: { ...serviceAccount, client_email: '' } },
      TypeError,
      /client_email/,
    ],
    [
      'PKCS #1 or garbage key',
      { serviceAccount: { ...serviceAccount, private_key: 'not a key' } },
      TypeError,
      /private_key/,
    ],
    ['HMAC without secret', { hmacKey: { accessId: 'a', secret: '' } }, TypeError, /hmacKey.secret/],
    ['bad URL style', { hmacKey, urlStyle: 'cdn' as 'path' }, RangeError, /urlStyle/],
    ['bucket-bound without host', { hmacKey, urlStyle: 'bucket-bound' }, TypeError, /bucketBoundHostname/],
    ['bad region', { hmacKey, region: 'Europe West' }, RangeError, /region/],
  ];
  for (const [name, options, kind, message] of cases) {
    it(name, () => {
      expect(() => new GcsIssuer(options)).toThrow(kind);
      expect(() => new GcsIssuer(options)).toThrow(message);
    });
  }

  it('bad requests reject naming the argument; the issuer shows no key', async () => {
    const issuer = new GcsIssuer({ hmacKey });
    await expect(
      issuer.presign({ method: 'GET', bucket: 'goog-bucket', key: 'k', expiresIn: 60 }),
    ).rejects.toThrow(/bucket/);
    await expect(
      issuer.presign({ method: 'GET', bucket: 'my-bucket', key: 'k', expiresIn: 604_801 }),
    ).rejects.toThrow(/expiresIn/);
    await expect(
      issuer.presign({ method: 'GET', bucket: 'my-bucket', key: 'a/./b', expiresIn: 60 }),
    ).rejects.toThrow(RangeError);
    for (const shown of [String(issuer), JSON.stringify(issuer)]) {
      expect(shown).not.toContain(hmacKey.secret);
      expect(shown).not.toContain(hmacKey.accessId);
    }
  });

  it('an unusable RSA key fails at signing with a TypeError naming the field', async () => {
    const broken = serviceAccount.private_key.replace(/MIIE/, 'MIIF');
    const issuer = new GcsIssuer({ serviceAccount: { ...serviceAccount, private_key: broken } });
    await expect(
      issuer.presign({ method: 'GET', bucket: 'my-bucket', key: 'k', expiresIn: 60 }),
    ).rejects.toThrow(/private_key/);
  });
});
