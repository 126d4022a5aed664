/**
 * Google's V4 signing conformance cases (googleapis/conformance-tests,
 * storage/v1/v4_signatures.json), transcribed in tests/vectors/gcs-v4/: GcsIssuer must produce
 * each expected URL exactly, signing with the suite's service-account key through WebCrypto.
 * Three cases of that version of the file do not follow the V4 rules; the file's `errata`
 * says how, and the tests below prove each finding by verifying the suite's own RSA signature.
 * No GCS server runs here, so these cases are the proof of GCS signing.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GcsIssuer } from '../../../src/index.js';

interface Case {
  readonly description: string;
  readonly bucket: string;
  readonly object?: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'HEAD' | 'DELETE';
  readonly expiration: string;
  readonly timestamp: string;
  readonly expectedUrl: string;
  readonly headers?: Record<string, string>;
  readonly queryParameters?: Record<string, string>;
  readonly scheme: 'http' | 'https';
  readonly urlStyle?: 'VIRTUAL_HOSTED_STYLE' | 'BUCKET_BOUND_DOMAIN';
  readonly bucketBoundDomain?: string;
}
interface Erratum {
  readonly signedHeaders?: Record<string, string>;
  readonly canonicalHeaders?: string;
  readonly signedHeaderNames?: string;
  readonly sortedSignedHeaders?: string;
}

const vectors = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../vectors/gcs-v4/${name}`, import.meta.url), 'utf8'));
const suite = vectors('v4_signatures.json') as { signingV4Tests: Case[]; errata: Record<string, Erratum> };
const serviceAccount = vectors('service-account.json') as { client_email: string; private_key: string };
const publicKey = createPublicKey(serviceAccount.private_key);

// Some expected URLs spell the signature parameter in lower case; the parameter name is all that differs.
const sameSignatureName = (url: string) => url.replace('&x-goog-signature=', '&X-Goog-Signature=');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const signatureOf = (url: string) =>
  new URL(sameSignatureName(url)).searchParams.get('X-Goog-Signature') ?? '';

/** Whether `signature` is the suite key's signature of the string to sign of `canonical`. */
function signs(signature: string, canonical: string, vector: Case): boolean {
  const time = vector.timestamp.replace(/[-:]/g, '');
  const stringToSign = `GOOG4-RSA-SHA256\n${time}\n${time.slice(0, 8)}/auto/storage/goog4_request\n${sha256(canonical)}`;
  return verify('sha256', Buffer.from(stringToSign), publicKey, Buffer.from(signature, 'hex'));
}

/** The canonical request of a GET of test-bucket/test-object with these headers. */
function canonicalGet(url: string, headers: string, signedNames: string, payload: string): string {
  const query = sameSignatureName(url).split('?')[1]?.split('&X-Goog-Signature=')[0] ?? '';
  return `GET\n/test-bucket/test-object\n${query}\n${headers}\n${signedNames}\n${payload}`;
}

function issuerFor(vector: Case): GcsIssuer {
  return new GcsIssuer({
    serviceAccount,
    now: () => Date.parse(vector.timestamp),
    ...(vector.urlStyle === 'VIRTUAL_HOSTED_STYLE' ? { urlStyle: 'virtual-hosted' as const } : {}),
    ...(vector.urlStyle === 'BUCKET_BOUND_DOMAIN'
      ? {
          urlStyle: 'bucket-bound' as const,
          bucketBoundHostname: `${vector.scheme}://${vector.bucketBoundDomain}`,
        }
      : {}),
  });
}

function presign(vector: Case, headers = vector.headers): Promise<string> {
  return issuerFor(vector).presign({
    method: vector.method,
    bucket: vector.bucket,
    ...(vector.object === undefined ? {} : { key: vector.object }),
    expiresIn: Number(vector.expiration),
    ...(headers === undefined ? {} : { headers }),
    ...(vector.queryParameters === undefined ? {} : { query: vector.queryParameters }),
  });
}

const byName = (name: string) => {
  const vector = suite.signingV4Tests.find((entry) => entry.description === name);
  if (vector === undefined) throw new Error(`no case ${name}`);
  return vector;
};

describe('GCS V4 signing conformance (GOOG4-RSA-SHA256)', () => {
  for (const vector of suite.signingV4Tests.filter(
    (entry) => suite.errata[entry.description] === undefined,
  )) {
    it(vector.description, async () => {
      expect(sameSignatureName(await presign(vector))).toBe(sameSignatureName(vector.expectedUrl));
    });
  }
});

describe('GCS V4 conformance errata (each finding proven on the suite signature)', () => {
  it('Simple headers: the suite signed the lower-cased value; with that value the URL matches exactly', async () => {
    const vector = byName('Simple headers');
    const erratum = suite.errata['Simple headers'] as Required<Erratum>;
    const canonical = canonicalGet(
      vector.expectedUrl,
      erratum.canonicalHeaders,
      erratum.signedHeaderNames,
      'UNSIGNED-PAYLOAD',
    );
    expect(signs(signatureOf(vector.expectedUrl), canonical, vector)).toBe(true);
    expect(
      signs(signatureOf(vector.expectedUrl), canonical.replace('bar:bar-value', 'bar:BAR-value'), vector),
    ).toBe(false);
    expect(sameSignatureName(await presign(vector, erratum.signedHeaders))).toBe(
      sameSignatureName(vector.expectedUrl),
    );
  });

  it('Signed Payload: the suite left its headers unsorted; parkit sorts them and signs the payload hash', async () => {
    const vector = byName('Signed Payload Instead of UNSIGNED-PAYLOAD');
    const erratum = suite.errata['Signed Payload Instead of UNSIGNED-PAYLOAD'] as Required<Erratum>;
    const payload = vector.headers?.['X-Goog-Content-SHA256'] ?? '';
    expect(
      signs(
        signatureOf(vector.expectedUrl),
        canonicalGet(vector.expectedUrl, erratum.canonicalHeaders, erratum.signedHeaderNames, payload),
        vector,
      ),
    ).toBe(true);
    const url = await presign(vector);
    const sorted = encodeURIComponent(erratum.sortedSignedHeaders);
    expect(sameSignatureName(url).split('&X-Goog-Signature=')[0]).toBe(
      sameSignatureName(vector.expectedUrl)
        .split('&X-Goog-Signature=')[0]
        ?.replace(encodeURIComponent(erratum.signedHeaderNames), sorted),
    );
    const conformant = `bar-value-of-sha256:hello\nhost:storage.googleapis.com\nx-goog-content-sha256:${payload}\n`;
    expect(
      signs(signatureOf(url), canonicalGet(url, conformant, erratum.sortedSignedHeaders, payload), vector),
    ).toBe(true);
  });

  it('Header Ordering: everything but the irreproducible signature matches, and parkit signs the V4 canonical request', async () => {
    const vector = byName('Header Ordering');
    const url = await presign(vector);
    expect(url.split('&X-Goog-Signature=')[0]).toBe(vector.expectedUrl.split('&X-Goog-Signature=')[0]);
    const canonical = canonicalGet(
      url,
      'host:storage.googleapis.com\nx-goog-date:20190201T090000Z\n',
      'host;x-goog-date',
      'UNSIGNED-PAYLOAD',
    );
    expect(signs(signatureOf(url), canonical, vector)).toBe(true);
    expect(signs(signatureOf(vector.expectedUrl), canonical, vector)).toBe(false);
  });
});
