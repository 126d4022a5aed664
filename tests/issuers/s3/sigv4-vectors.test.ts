/**
 * The AWS SigV4 signing test suite (awslabs/aws-c-auth, tests/aws-signing-test-suite/v4/),
 * transcribed in tests/vectors/aws-sigv4/v4-suite.json: every pre-signed (query) case and every
 * header case must produce the suite's signature.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalHeaders, canonicalQuery, canonicalRequest } from '../../../src/issuers/sigv4/canonical.js';
import { genericCanonicalUri } from '../../../src/issuers/sigv4/encode.js';
import { signHeaders } from '../../../src/issuers/sigv4/header-signer.js';
import { HmacSigner } from '../../../src/issuers/sigv4/hmac-signer.js';
import { QuerySigner } from '../../../src/issuers/sigv4/query-signer.js';
import { AWS_SIGV4 } from '../../../src/issuers/sigv4/scheme.js';
import { sha256Hex } from '../../../src/issuers/sigv4/utf8.js';

interface Case {
  readonly case: string;
  readonly signedRequest: string;
  readonly sessionToken?: string;
  readonly normalize?: boolean;
}
const suite = JSON.parse(
  readFileSync(new URL('../../vectors/aws-sigv4/v4-suite.json', import.meta.url), 'utf8'),
) as {
  context: { accessKeyId: string; secretAccessKey: string; region: string; service: string };
  query: Case[];
  header: Case[];
};
const { context } = suite;
const TIME = '20150830T123600Z';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Parse `METHOD target HTTP/1.1` + header lines (continuation lines start with spaces). */
function parseRequest(text: string) {
  const [requestLine = '', ...lines] = text.split('\n');
  const match = /^(\S+) (.*) HTTP\/1\.1$/.exec(requestLine);
  if (match === null) throw new Error(`bad request line ${requestLine}`);
  const [, method = '', target = ''] = match;
  const headers: [string, string][] = [];
  for (const line of lines) {
    if (line === '') continue;
    const last = headers.at(-1);
    // The suite reads a folded continuation line as one more value of the same header.
    if (/^\s/.test(line) && last !== undefined) headers.push([last[0], line]);
    else {
      const colon = line.indexOf(':');
      headers.push([line.slice(0, colon), line.slice(colon + 1)]);
    }
  }
  const queryStart = target.indexOf('?');
  const path = queryStart < 0 ? target : target.slice(0, queryStart);
  const query = (queryStart < 0 ? '' : target.slice(queryStart + 1))
    .split('&')
    .filter((part) => part !== '')
    .map((part): [string, string] => {
      const equals = part.indexOf('=');
      const [name, value] = equals < 0 ? [part, ''] : [part.slice(0, equals), part.slice(equals + 1)];
      return [decodeURIComponent(name), decodeURIComponent(value)];
    });
  // The path stays as it is on the wire: the generic service encodes it once more.
  return { method, path, query, headers };
}

const signer = new HmacSigner(AWS_SIGV4, context.secretAccessKey);

describe('AWS SigV4 test suite: pre-signed (query) cases', () => {
  for (const vector of suite.query) {
    it(vector.case, () => {
      const request = parseRequest(vector.signedRequest);
      const get = (name: string) => request.query.find(([key]) => key === `X-Amz-${name}`)?.[1];
      const expected = get('Signature');
      const signedNames = (get('SignedHeaders') ?? '').split(';');
      const expires = get('Expires');
      // The query as signed: everything but the signature (and the token the file repeats after it).
      const signatureAt = request.query.findIndex(([key]) => key === 'X-Amz-Signature');
      const signedQuery = request.query.slice(0, signatureAt);
      const userQuery = signedQuery.filter(([key]) => !key.startsWith('X-Amz-'));
      const headers = request.headers.filter(([name]) => signedNames.includes(name.toLowerCase()));
      const uri = genericCanonicalUri(request.path, vector.normalize ?? true);
      const host = request.headers.find(([name]) => name === 'Host')?.[1] ?? '';

      // From the parts: canonical request → string to sign → signature.
      const canonical = canonicalRequest(
        request.method,
        uri,
        canonicalQuery(signedQuery),
        canonicalHeaders(headers),
        EMPTY_SHA256,
      );
      const scope = `20150830/${context.region}/${context.service}/aws4_request`;
      const stringToSign = `AWS4-HMAC-SHA256\n${TIME}\n${scope}\n${sha256Hex(canonical)}`;
      expect(signer.sign(stringToSign, '20150830', context.region, context.service)).toBe(expected);

      // Through the presigner, when the case carries an expiry (as every S3 URL does).
      if (expires !== undefined) {
        const presigner = new QuerySigner({
          scheme: AWS_SIGV4,
          credentialId: context.accessKeyId,
          region: context.region,
          service: context.service,
          ...(vector.sessionToken === undefined ? {} : { sessionToken: vector.sessionToken }),
        });
        const prepared = presigner.prepare({
          method: request.method,
          origin: `https://${host}`,
          host,
          path: uri,
          query: userQuery,
          headers: headers.filter(([name]) => name !== 'Host'),
          expiresIn: Number(expires),
          time: TIME,
          payloadHash: EMPTY_SHA256,
        });
        const url = new URL(
          prepared.unsignedUrl +
            signer.signParts(prepared.head, prepared.hash, prepared.date, context.region, context.service),
        );
        expect(url.searchParams.get('X-Amz-Signature')).toBe(expected);
        expect(url.searchParams.get('X-Amz-Credential')).toBe(get('Credential'));
        expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe(get('SignedHeaders'));
      }
    });
  }
});

describe('AWS SigV4 test suite: header cases', () => {
  for (const vector of suite.header) {
    it(vector.case, () => {
      const request = parseRequest(vector.signedRequest);
      const authorization = request.headers.find(([name]) => name === 'Authorization')?.[1] ?? '';
      const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
      const given = request.headers.filter(
        ([name]) =>
          signed.includes(name.toLowerCase()) && !/^(host|x-amz-date|x-amz-security-token)$/i.test(name),
      );
      const host = request.headers.find(([name]) => name === 'Host')?.[1] ?? '';
      const added = signHeaders(
        {
          scheme: AWS_SIGV4,
          credentialId: context.accessKeyId,
          region: context.region,
          service: context.service,
          signer,
          ...(vector.sessionToken === undefined ? {} : { sessionToken: vector.sessionToken }),
        },
        {
          method: request.method,
          host,
          path: request.path,
          normalise: vector.normalize ?? true,
          query: request.query,
          headers: given,
          payloadHash: EMPTY_SHA256,
          time: TIME,
        },
      );
      expect(Object.fromEntries(added).authorization).toBe(authorization);
    });
  }
});
