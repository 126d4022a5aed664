/**
 * What Azurite refuses, and the typed errors parkit turns its answers into: expired and
 * not-yet-valid SAS, tampered `sig`/`sp`/`se`/`sip`, missing permissions (the Par's metadata
 * claims more than its SAS grants, so only the store can refuse), and `spr=https` over http.
 * Azurite does not enforce `sip` ranges, so the IP range is proven only as a signed URL field.
 */
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ObjectWriter, Par, type Permission, type Target } from '../../../src/index.js';
import { azuriteIssuer, failure, scene } from './context.js';

let setup: Awaited<ReturnType<typeof scene>>;
beforeAll(async () => {
  setup = await scene('refusals');
  const writer = (await (
    await setup.issuer.createPar({
      container: setup.container,
      blob: 'data.txt',
      permissions: ['write'],
      expiresIn: 600,
      recipients: [setup.recipient],
    })
  ).write(setup.identity)) as ObjectWriter;
  await writer.setStringObject('the data');
});

const blobTarget = { kind: 'object', key: 'data.txt' } as const;

/** A Par around any URL, claiming whatever permissions the test wants the store to judge. */
function wrap<const T extends Target = typeof blobTarget>(
  url: string,
  permissions: Permission[],
  target?: T,
) {
  return Par.create<T>({
    url,
    driver: 'azure',
    target: target ?? (blobTarget as unknown as T),
    permissions,
    expires: { minutes: 10 },
    recipients: [setup.recipient],
  });
}

async function readThrough(par: Par<{ kind: 'object'; key: string }>): Promise<string> {
  return (await par.read(setup.identity)).getStringObject();
}

function tamper(url: string, name: string, change: (value: string) => string): string {
  const parsed = new URL(url);
  const value = parsed.searchParams.get(name);
  if (value === null) throw new Error(`no ${name} in the URL`);
  // Replace the one parameter in the raw query, keeping every other byte as signed.
  const raw = parsed.search.replace(
    `${name}=${encodeURIComponent(value)}`,
    `${name}=${encodeURIComponent(change(value))}`,
  );
  if (raw === parsed.search) throw new Error(`could not change ${name}`);
  return `${parsed.origin}${parsed.pathname}${raw}`;
}

describe('Azure refusals, through real requests to Azurite', () => {
  it('a SAS whose expiry has passed is an ExpiredError (judged by the server)', async () => {
    // The issuer's clock is two hours slow: its one-hour SAS expired an hour ago in real time,
    // while the Par (which keeps the issuer's clock) still believes it is valid.
    const slow = azuriteIssuer({ now: () => DateTime.utc().minus({ hours: 2 }) });
    const par = await slow.createPar({
      container: setup.container,
      blob: 'data.txt',
      permissions: ['read'],
      expiresIn: 3600,
      recipients: [setup.recipient],
    });
    expect(par.isExpired()).toBe(false);
    const error = await failure(() => readThrough(par));
    expect(error.code).toBe('PARKIT_EXPIRED');
    expect(error.context?.status).toBe(403);
    expect(error.message).toMatch(/expired at/);
  });

  it('a SAS that starts later is refused until then', async () => {
    const par = await setup.issuer.createPar({
      container: setup.container,
      blob: 'data.txt',
      permissions: ['read'],
      start: DateTime.utc().plus({ hours: 1 }),
      expiresIn: 7200,
      recipients: [setup.recipient],
    });
    const error = await failure(() => readThrough(par));
    expect(error.code).toBe('PARKIT_PERMISSION_DENIED');
    expect(error.message).toMatch(/not valid before/);
  });

  it('a tampered signature, permission list, expiry or IP range is refused', async () => {
    const url = setup.issuer.sasUrl({
      container: setup.container,
      blob: 'data.txt',
      permissions: 'r',
      expiresIn: 600,
      ipRange: '0.0.0.0-255.255.255.255',
    });
    // The untouched URL works.
    expect(await readThrough(await wrap(url, ['read']))).toBe('the data');
    const tampered = [
      tamper(url, 'sig', (sig) => `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`),
      tamper(url, 'sp', () => 'rcw'),
      tamper(url, 'se', (se) => se.replace(/^\d{4}/, (year) => String(Number(year) + 1))),
      tamper(url, 'sip', () => '127.0.0.1'),
    ];
    for (const changed of tampered) {
      const error = await failure(async () => readThrough(await wrap(changed, ['read'])));
      expect(error.code).toBe('PARKIT_PERMISSION_DENIED');
      expect(error.message).toMatch(/signature does not match/);
    }
    // The IP range is in the URL and covered by the signature. (Azurite does not check the
    // caller's address against it; Azure does.)
    expect(new URL(url).searchParams.get('sip')).toBe('0.0.0.0-255.255.255.255');
  });

  it('a container SAS without l cannot list', async () => {
    const url = setup.issuer.sasUrl({ container: setup.container, permissions: 'r', expiresIn: 600 });
    const par = await wrap(url, ['read', 'list'], { kind: 'bucket' });
    const reader = await par.read(setup.identity);
    expect(await reader.getStringObject('data.txt')).toBe('the data');
    const error = await failure(() => reader.listObjects());
    expect(error.code).toBe('PARKIT_PERMISSION_DENIED');
    expect(error.context?.azureCode).toBe('AuthorizationPermissionMismatch');
  });

  it('a read SAS cannot write or delete', async () => {
    const url = setup.issuer.sasUrl({
      container: setup.container,
      blob: 'data.txt',
      permissions: 'r',
      expiresIn: 600,
    });
    const writer = await (await wrap(url, ['read', 'write', 'delete'])).write(setup.identity);
    for (const attempt of [() => writer.setStringObject('overwritten'), () => writer.deleteObject()]) {
      const error = await failure(attempt);
      expect(error.code).toBe('PARKIT_PERMISSION_DENIED');
      expect(error.context?.azureCode).toBe('AuthorizationPermissionMismatch');
    }
    expect(await writer.getStringObject()).toBe('the data');
  });

  it('a SAS for https only is refused over http', async () => {
    const par = await setup.issuer.createPar({
      container: setup.container,
      blob: 'data.txt',
      permissions: ['read'],
      expiresIn: 600,
      protocol: 'https',
      recipients: [setup.recipient],
    });
    expect(new URL(await par.url(setup.identity)).searchParams.get('spr')).toBe('https');
    const error = await failure(() => readThrough(par));
    expect(error.code).toBe('PARKIT_PERMISSION_DENIED');
    expect(error.context?.azureCode).toBe('AuthorizationProtocolMismatch');
  });

  it('a SAS for another blob does not reach this one', async () => {
    const url = setup.issuer.sasUrl({
      container: setup.container,
      blob: 'other.txt',
      permissions: 'r',
      expiresIn: 600,
    });
    const parsed = new URL(url);
    const moved = `${parsed.origin}${parsed.pathname.replace(/other\.txt$/, 'data.txt')}${parsed.search}`;
    expect((await failure(async () => readThrough(await wrap(moved, ['read'])))).code).toBe(
      'PARKIT_PERMISSION_DENIED',
    );
  });
});
