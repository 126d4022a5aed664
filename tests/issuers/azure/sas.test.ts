/**
 * The service SAS string-to-sign and signature: the field order transcribed from Microsoft's
 * documentation, and agreement, on random inputs, with the signer inside Azurite (Microsoft's
 * own emulator, which is what accepts or refuses the SAS in the server tests).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { AzureIssuer } from '../../../src/index.js';
import { decodeAccountKey } from '../../../src/issuers/azure/account.js';
import { type SasFields, signature, stringToSign } from '../../../src/issuers/azure/sas.js';
import { sharedKeyStringToSign } from '../../../src/issuers/azure/shared-key.js';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../../servers/azurite.js';

const vector = JSON.parse(
  readFileSync(new URL('../../vectors/azure-sas/service-sas-blob-2020-12-06.json', import.meta.url), 'utf8'),
) as { stringToSignFields: string[]; canonicalizedResource: { blob: string; container: string } };

type AzuriteSigner = (
  values: Record<string, string | undefined>,
  resource: string,
  account: string,
  key: Buffer,
) => [string, string];
const azurite = createRequire(import.meta.url)(
  'azurite/dist/src/blob/authentication/IBlobSASSignatureValues.js',
) as { generateBlobSASSignature: AzuriteSigner };

const KEY = decodeAccountKey(AZURITE_KEY);

/** The same fields, in the shape Azurite's signer reads. */
function azuriteValues(fields: SasFields, container: string, blob: string | undefined) {
  const headers = fields.responseHeaders ?? {};
  return {
    version: fields.version,
    permissions: fields.permissions,
    startTime: fields.start,
    expiryTime: fields.expiry,
    containerName: container,
    blobName: blob,
    identifier: fields.identifier,
    ipRange: fields.ip,
    protocol: fields.protocol,
    signedResource: fields.resource,
    cacheControl: headers.cacheControl,
    contentDisposition: headers.contentDisposition,
    contentEncoding: headers.contentEncoding,
    contentLanguage: headers.contentLanguage,
    contentType: headers.contentType,
  };
}

describe('service SAS string-to-sign', () => {
  it('lists the sixteen documented fields in the documented order', () => {
    // Each field gets a marker value; the string-to-sign must hold them in the documented order.
    const markers: Record<string, string> = {
      signedPermissions: 'rw',
      signedStart: '2026-01-01T00:00:00Z',
      signedExpiry: '2026-01-02T00:00:00Z',
      canonicalizedResource: vector.canonicalizedResource.blob
        .replace('{account}', 'acct')
        .replace('{container}', 'box')
        .replace('{blob}', 'a/b.txt'),
      signedIdentifier: 'policy-1',
      signedIP: '10.0.0.1-10.0.0.9',
      signedProtocol: 'https',
      signedVersion: '2025-11-05',
      signedResource: 'b',
      signedSnapshotTime: '',
      signedEncryptionScope: '',
      rscc: 'no-cache',
      rscd: 'attachment',
      rsce: 'gzip',
      rscl: 'en',
      rsct: 'text/csv',
    };
    const fields: SasFields = {
      permissions: 'rw',
      start: '2026-01-01T00:00:00Z',
      expiry: '2026-01-02T00:00:00Z',
      canonicalizedResource: '/blob/acct/box/a/b.txt',
      identifier: 'policy-1',
      ip: '10.0.0.1-10.0.0.9',
      protocol: 'https',
      version: '2025-11-05',
      resource: 'b',
      responseHeaders: {
        cacheControl: 'no-cache',
        contentDisposition: 'attachment',
        contentEncoding: 'gzip',
        contentLanguage: 'en',
        contentType: 'text/csv',
      },
    };
    expect(stringToSign(fields).split('\n')).toEqual(
      vector.stringToSignFields.map((field) => markers[field]),
    );
  });

  it('keeps every absent optional field as an empty line', () => {
    const text = stringToSign({
      permissions: 'r',
      expiry: '2026-01-02T00:00:00Z',
      canonicalizedResource: '/blob/acct/box',
      version: '2025-11-05',
      resource: 'c',
    });
    expect(text).toBe('r\n\n2026-01-02T00:00:00Z\n/blob/acct/box\n\n\n\n2025-11-05\nc\n\n\n\n\n\n\n');
  });

  it('signs with HMAC-SHA256 under the decoded key, in base64', () => {
    const fields: SasFields = {
      permissions: 'r',
      expiry: '2026-01-02T00:00:00Z',
      canonicalizedResource: '/blob/acct/box/x',
      version: '2025-11-05',
      resource: 'b',
    };
    const expected = createHmac('sha256', Buffer.from(AZURITE_KEY, 'base64'))
      .update(stringToSign(fields))
      .digest('base64');
    expect(signature(fields, KEY)).toBe(expected);
  });

  const blobName = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not valid blob names
    .filter((name) => !/[\u0000-\u001f\u007f]/.test(name));
  const optional = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });
  const text = fc.string({ minLength: 1, maxLength: 20 }).filter((value) => !/[\n\r]/.test(value));

  it('agrees with the signer inside Azurite on random fields', () => {
    fc.assert(
      fc.property(
        optional(blobName),
        fc.record({
          permissions: optional(fc.constantFrom('r', 'rw', 'racwd', 'racwdl', 'cw')),
          start: optional(fc.constant('2026-01-01T00:00:00Z')),
          expiry: optional(fc.constant('2026-03-01T12:30:00Z')),
          identifier: optional(fc.constantFrom('parkit-abc', 'team')),
          ip: optional(fc.constantFrom('10.0.0.1', '192.168.0.1-192.168.0.255')),
          protocol: optional(fc.constantFrom('https', 'https,http')),
          cacheControl: optional(text),
          contentDisposition: optional(text),
          contentEncoding: optional(text),
          contentLanguage: optional(text),
          contentType: optional(text),
        }),
        (blob, chosen) => {
          // A SAS names a stored policy, or states its permissions and expiry (Azurite insists).
          fc.pre(
            chosen.identifier !== undefined ||
              (chosen.permissions !== undefined && chosen.expiry !== undefined),
          );
          const { cacheControl, contentDisposition, contentEncoding, contentLanguage, contentType, ...rest } =
            chosen;
          const headers = Object.fromEntries(
            Object.entries({
              cacheControl,
              contentDisposition,
              contentEncoding,
              contentLanguage,
              contentType,
            }).filter(([, value]) => value !== undefined),
          );
          const fields = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
          const sas: SasFields = {
            ...fields,
            canonicalizedResource: `/blob/${AZURITE_ACCOUNT}/box${blob === undefined ? '' : `/${blob}`}`,
            version: '2025-11-05',
            resource: blob === undefined ? 'c' : 'b',
            responseHeaders: headers,
          };
          const [theirs] = azurite.generateBlobSASSignature(
            azuriteValues(sas, 'box', blob),
            sas.resource,
            AZURITE_ACCOUNT,
            Buffer.from(AZURITE_KEY, 'base64'),
          );
          expect(signature(sas, KEY)).toBe(theirs);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('puts into the URL exactly the values it signed (decoded back, they verify)', () => {
    const issuer = new AzureIssuer({
      accountName: AZURITE_ACCOUNT,
      accountKey: AZURITE_KEY,
      endpoint: 'http://127.0.0.1:10000/devstoreaccount1',
      now: () => DateTime.fromISO('2026-05-01T10:00:00.250Z'),
    });
    const blob = 'reports/Q3 100%+=?#ü.csv';
    const url = new URL(
      issuer.sasUrl({
        container: 'box',
        blob,
        permissions: 'wr',
        start: DateTime.fromISO('2026-05-01T09:59:00.999Z'),
        expiresIn: 3600,
        ipRange: { start: '10.1.2.3', end: '10.1.2.200' },
        responseHeaders: {
          contentDisposition: 'attachment; filename="q3 (final).csv"',
          contentType: 'text/csv',
        },
      }),
    );
    const query = url.searchParams;
    expect(decodeURIComponent(url.pathname)).toBe(`/devstoreaccount1/box/${blob}`);
    expect(query.get('sp')).toBe('rw');
    expect(query.get('st')).toBe('2026-05-01T09:59:00Z');
    expect(query.get('se')).toBe('2026-05-01T11:00:00Z');
    expect(query.get('sip')).toBe('10.1.2.3-10.1.2.200');
    expect(query.get('spr')).toBe('https,http');
    expect(query.get('sr')).toBe('b');
    expect(query.get('sv')).toBe('2025-11-05');
    const [theirs] = azurite.generateBlobSASSignature(
      {
        version: query.get('sv') ?? undefined,
        permissions: query.get('sp') ?? undefined,
        startTime: query.get('st') ?? undefined,
        expiryTime: query.get('se') ?? undefined,
        containerName: 'box',
        blobName: blob,
        ipRange: query.get('sip') ?? undefined,
        protocol: query.get('spr') ?? undefined,
        signedResource: 'b',
        contentDisposition: query.get('rscd') ?? undefined,
        contentType: query.get('rsct') ?? undefined,
      },
      'b',
      AZURITE_ACCOUNT,
      Buffer.from(AZURITE_KEY, 'base64'),
    );
    expect(query.get('sig')).toBe(theirs);
    // The signature is percent-encoded in the URL (base64 has + / =).
    expect(url.search).toContain(`sig=${encodeURIComponent(theirs)}`);
  });
});

describe('Shared Key string-to-sign', () => {
  it('follows the documented layout: verb, eleven standard headers, x-ms headers, resource and query', () => {
    const headers = new Headers({
      'x-ms-version': '2025-11-05',
      'x-ms-date': 'Fri, 01 May 2026 10:00:00 GMT',
      'content-type': 'application/xml',
      'content-length': '120',
    });
    const url = new URL('http://127.0.0.1:10000/devstoreaccount1/box?restype=container&comp=acl');
    expect(sharedKeyStringToSign('PUT', url, headers, 'devstoreaccount1')).toBe(
      [
        'PUT',
        '', // Content-Encoding
        '', // Content-Language
        '120', // Content-Length
        '', // Content-MD5
        'application/xml',
        '', // Date (x-ms-date is used)
        '',
        '',
        '',
        '',
        '', // Range
        'x-ms-date:Fri, 01 May 2026 10:00:00 GMT',
        'x-ms-version:2025-11-05',
        '/devstoreaccount1/devstoreaccount1/box',
        'comp:acl',
        'restype:container',
      ].join('\n'),
    );
  });

  it('leaves a zero Content-Length empty', () => {
    const url = new URL('https://acct.blob.core.windows.net/box?restype=container&comp=acl');
    const text = sharedKeyStringToSign('GET', url, new Headers({ 'content-length': '0' }), 'acct');
    expect(text.split('\n')[3]).toBe('');
    expect(text.endsWith('/acct/box\ncomp:acl\nrestype:container')).toBe(true);
  });
});
