/**
 * Bad configuration and bad requests fail before anything is signed or sent, with a
 * TypeError/RangeError naming the field, and never quote the account key.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  AzureIssuer,
  type AzureIssuerOptions,
  type AzureParOptions,
  type AzureSasOptions,
} from '../../../src/index.js';
import { AZURITE_KEY } from '../../servers/azurite.js';

const NOW = DateTime.fromISO('2026-05-01T10:00:00Z', { zone: 'utc' });
const base: AzureIssuerOptions = { accountName: 'myaccount', accountKey: AZURITE_KEY, now: () => NOW };
const issuer = new AzureIssuer(base);

function thrown(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

async function rejected(work: () => Promise<unknown>): Promise<Error> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('AzureIssuer configuration', () => {
  const cases: [string, Partial<Record<keyof AzureIssuerOptions, unknown>>, RegExp, typeof TypeError][] = [
    ['missing account name', { accountName: undefined }, /^accountName/, TypeError],
    ['account name with capitals', { accountName: 'MyAccount' }, /^accountName/, RangeError],
    ['account name too long', { accountName: 'a'.repeat(25) }, /^accountName/, RangeError],
    ['missing account key', { accountKey: undefined }, /^accountKey/, TypeError],
    ['empty account key', { accountKey: '' }, /^accountKey/, TypeError],
    ['account key not base64', { accountKey: 'not base64 at all!' }, /^accountKey/, RangeError],
    ['account key too short', { accountKey: 'c2hvcnQ=' }, /^accountKey/, RangeError],
    ['endpoint not a URL', { endpoint: 'blob.core.windows.net' }, /^endpoint/, TypeError],
    ['endpoint with a query', { endpoint: 'https://x.example/?sig=1' }, /^endpoint/, TypeError],
    ['endpoint not http', { endpoint: 'ftp://x.example' }, /^endpoint/, TypeError],
    ['version malformed', { version: 'latest' }, /^version/, TypeError],
    ['version too old', { version: '2019-12-12' }, /^version/, RangeError],
  ];
  for (const [name, change, message, kind] of cases) {
    it(`refuses ${name}`, () => {
      const error = thrown(() => new AzureIssuer({ ...base, ...change } as AzureIssuerOptions));
      expect(error).toBeInstanceOf(kind);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(AZURITE_KEY);
      if (typeof change.accountKey === 'string' && change.accountKey !== '') {
        expect(error.message).not.toContain(change.accountKey);
      }
    });
  }

  it('defaults to the public endpoint, https only, and the current signed version', () => {
    expect(issuer.endpoint).toBe('https://myaccount.blob.core.windows.net');
    expect(issuer.version).toBe('2025-11-05');
    const url = new URL(issuer.sasUrl({ container: 'box', blob: 'a', permissions: 'r', expiresIn: 60 }));
    expect(url.host).toBe('myaccount.blob.core.windows.net');
    expect(url.searchParams.get('spr')).toBe('https');
  });

  it('never shows the key', () => {
    const rendered = [String(issuer), JSON.stringify(issuer), JSON.stringify({ issuer })];
    for (const text of rendered) expect(text).not.toContain(AZURITE_KEY);
    expect(String(issuer)).toBe(
      'AzureIssuer(account myaccount, endpoint https://myaccount.blob.core.windows.net)',
    );
  });
});

describe('SAS requests', () => {
  const good: AzureSasOptions = { container: 'box', blob: 'a.txt', permissions: 'r', expiresIn: 60 };
  const cases: [string, Partial<Record<keyof AzureSasOptions, unknown>>, RegExp][] = [
    ['a container name with capitals', { container: 'Box' }, /^container/],
    ['a container name too short', { container: 'ab' }, /^container/],
    ['a container name with a double hyphen', { container: 'a--b' }, /^container/],
    ['a container name ending in a hyphen', { container: 'box-' }, /^container/],
    ['a blob name longer than 1024 characters', { blob: 'x'.repeat(1025) }, /^blob must be at most 1024/],
    ['a blob name with a control character', { blob: 'a\nb' }, /^blob/],
    ['a blob name with a .. segment', { blob: 'a/../b' }, /^blob/],
    ['an unknown permission letter', { permissions: 'rx' }, /^permissions/],
    ['list on a blob', { permissions: 'rl' }, /^permissions/],
    [
      'an expiry before the start',
      { start: NOW.plus({ hours: 2 }), expiresIn: 3600 },
      /^expires must be after start/,
    ],
    ['an expiry in the past', { expiresIn: undefined, expires: NOW.minus({ minutes: 1 }) }, /^expires/],
    [
      'an expiry past 9999',
      { expiresIn: undefined, expires: DateTime.fromISO('+010000-01-01T00:00:00Z') },
      /^expires/,
    ],
    ['both expires and expiresIn', { expires: NOW.plus({ hours: 1 }) }, /expires or expiresIn/],
    ['a negative lifetime', { expiresIn: -5 }, /^expiresIn/],
    ['neither expiry nor policy', { expiresIn: undefined }, /needs permissions and expires/],
    ['an IPv6 range', { ipRange: '::1' }, /^ipRange/],
    ['an IP range backwards', { ipRange: '10.0.0.9-10.0.0.1' }, /^ipRange/],
    ['an unknown protocol', { protocol: 'http' }, /^protocol/],
    [
      'a response header with a newline',
      { responseHeaders: { contentType: 'text/plain\nx' } },
      /^responseHeaders/,
    ],
    ['an unknown response header', { responseHeaders: { contentMd5: 'x' } }, /^responseHeaders/],
    ['a policy id longer than 64', { policy: 'p'.repeat(65) }, /^policy/],
  ];
  for (const [name, change, message] of cases) {
    it(`refuses ${name}`, () => {
      const error = thrown(() => issuer.sasUrl({ ...good, ...change } as AzureSasOptions));
      expect(error.name).toMatch(/^(TypeError|RangeError)$/);
      expect(error.message).toMatch(message);
    });
  }

  it('accepts the special containers and a SAS bound to a policy alone', () => {
    expect(() => issuer.sasUrl({ ...good, container: '$web' })).not.toThrow();
    const url = new URL(issuer.sasUrl({ container: 'box', policy: 'team' }));
    expect(url.searchParams.get('si')).toBe('team');
    expect(url.searchParams.get('sr')).toBe('c');
  });

  it('truncates times to whole seconds, never beyond what was asked', () => {
    const url = new URL(issuer.sasUrl({ ...good, expiresIn: 90.9 }));
    expect(url.searchParams.get('se')).toBe('2026-05-01T10:01:30Z');
  });
});

describe('createPar arguments', () => {
  const good: AzureParOptions = {
    container: 'box',
    blob: 'a.txt',
    permissions: ['read'],
    expiresIn: 60,
    recipients: ['age1x720guwma8wyjysl846y9x7tyeyjl28vz9kalae3qgu6gyrkvfpq8amkz3'],
  };
  const cases: [string, Partial<Record<keyof AzureParOptions, unknown>>, RegExp][] = [
    ['list on an object', { permissions: ['read', 'list'] }, /^permissions/],
    ['execute', { permissions: ['execute'] }, /^permissions/],
    ['no permissions', { permissions: undefined }, /^permissions/],
    ['no expiry', { expiresIn: undefined }, /expires or expiresIn/],
    ['a blob and a prefix', { prefix: 'x/' }, /blob or prefix/],
    ['revocable and a policy', { revocable: true, policy: 'team' }, /revocable or policy/],
    ['a bad container', { container: 'Nope!' }, /^container/],
  ];
  for (const [name, change, message] of cases) {
    it(`refuses ${name}`, async () => {
      const error = await rejected(() => issuer.createPar({ ...good, ...change } as AzureParOptions));
      expect(error.name).toMatch(/^(TypeError|RangeError)$/);
      expect(error.message).toMatch(message);
    });
  }

  it('maps parkit permissions to SAS letters and keeps the expiry the SAS states', async () => {
    const par = await issuer.createPar({
      ...good,
      permissions: ['delete', 'write', 'read'],
      expiresIn: 600.5,
    });
    const query = new URL(
      await par.url(`AGE-SECRET-KEY-1V0GZMG7NUT0HV49JH3JC7PF9G7DJPF93MR3FVP2S5REPM5XCMXPSG3AJPZ`),
    ).searchParams;
    expect(query.get('sp')).toBe('rcwd');
    expect(par.permissions).toEqual(['read', 'write', 'delete']);
    expect(query.get('se')).toBe('2026-05-01T10:10:00Z');
    expect(par.expires.toISO()).toBe('2026-05-01T10:10:00.000Z');
    expect(par.created.toMillis()).toBe(NOW.toMillis());
  });
});
