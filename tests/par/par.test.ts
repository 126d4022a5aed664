import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, Par, PermissionError } from '../../src/index.js';
import { keyPair, makePar, manualClock, SIGNED_URL } from '../helpers/fixtures.js';

let alice: Awaited<ReturnType<typeof keyPair>>;
let bob: Awaited<ReturnType<typeof keyPair>>;
beforeAll(async () => {
  [alice, bob] = await Promise.all([keyPair(), keyPair()]);
});

describe('Par.create', () => {
  it('keeps the grant as readable metadata and seals only the secret', async () => {
    const par = await makePar(alice.recipient, { name: 'Q3 report', id: 'issuer-42' });
    expect(par.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(par).toMatchObject({ name: 'Q3 report', id: 'issuer-42', driver: 'https', permissions: ['read'] });
    expect(par.target).toEqual({ kind: 'object', key: 'reports/q3.csv' });
    expect(par.created.zoneName).toBe('UTC');
    expect(await par.url(alice.identity)).toBe(SIGNED_URL);
  });

  it('uses the injected randomness for the uid', async () => {
    const random = (length: number) => new Uint8Array(length).fill(0xab);
    const par = await makePar(alice.recipient, { random });
    expect(par.uid).toBe('abababab-abab-4bab-abab-abababababab');
  });

  it('puts permissions in canonical order without duplicates', async () => {
    const par = await makePar(alice.recipient, {
      target: { kind: 'bucket', bucket: 'data', prefix: 'in/' },
      permissions: ['list', 'write', 'read', 'list'],
    });
    expect(par.permissions).toEqual(['read', 'write', 'list']);
  });

  it.each([
    [[], /at least one permission/],
    [['execute', 'read'], /execute cannot be combined/],
    [['fly'], /unknown permission/],
  ])('rejects the permission set %j', async (permissions, message) => {
    await expect(makePar(alice.recipient, { permissions: permissions as never })).rejects.toThrow(message);
  });

  it('enforces target/permission rules: list only for buckets, execute only and always for calculations', async () => {
    await expect(makePar(alice.recipient, { permissions: ['list'] })).rejects.toThrow(
      /list is only for bucket/,
    );
    await expect(makePar(alice.recipient, { permissions: ['execute'] })).rejects.toThrow(/execute is only/);
    await expect(
      makePar(alice.recipient, {
        target: { kind: 'calculation', name: 'checksum' } as never,
        permissions: ['read'],
      }),
    ).rejects.toThrow(/must grant execute/);
    const runnable = await makePar(alice.recipient, {
      target: { kind: 'calculation', name: 'checksum' } as never,
      permissions: ['execute'],
    });
    expect(runnable.isCalculation()).toBe(true);
    expect(runnable.isExecutable()).toBe(true);
  });

  it.each([
    [{ kind: 'object', key: '' }, /target.key must not be empty/],
    [{ kind: 'object', key: 'a\u0000b' }, /control characters/],
    [{ kind: 'object', key: 'x'.repeat(1025) }, /at most 1024 bytes/],
    [{ kind: 'object', key: '\ud800' }, /well-formed/],
    [{ kind: 'folder' }, /target.kind/],
    [{ kind: 'calculation', name: 42 }, /target.name must be a string/],
  ])('rejects the target %j', async (target, message) => {
    await expect(makePar(alice.recipient, { target: target as never })).rejects.toThrow(message);
  });

  it('rejects bad drivers, labels, recipients and secrets without echoing them', async () => {
    await expect(makePar(alice.recipient, { driver: 'ftp' as never })).rejects.toThrow(
      /driver must be one of/,
    );
    await expect(makePar(alice.recipient, { name: '' })).rejects.toThrow(/name must be/);
    await expect(makePar(alice.recipient, { recipients: [] })).rejects.toThrow(
      /recipients must be a non-empty/,
    );
    await expect(makePar(alice.recipient, { recipients: ['ssh-ed25519 AAAA'] })).rejects.toThrow(
      /recipients\[0\]/,
    );
    await expect(makePar(alice.recipient, { recipients: ['age1qqqqqqqq'] })).rejects.toThrow(
      /not a valid age recipient/,
    );
    await expect(
      makePar(alice.recipient, { recipients: [alice.recipient, { passphrase: 'x' }] }),
    ).rejects.toThrow(/passphrase must be the only recipient/);
    const error = await makePar(alice.recipient, { url: '' }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/secret must be a non-empty string/);
  });

  it('answers the Acquire predicates', async () => {
    const object = await makePar(alice.recipient);
    expect([object.isObject(), object.isBucket(), object.isCalculation(), object.isNull()]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect([object.isReadable(), object.isWritable(), object.isExecutable()]).toEqual([true, false, false]);
    const bucket = await makePar(alice.recipient, { target: { kind: 'bucket' }, permissions: ['write'] });
    expect([bucket.isBucket(), bucket.isReadable(), bucket.isWritable()]).toEqual([true, false, true]);
  });
});

describe('opening', () => {
  it('fails with DecryptionError for an identity it was not sealed to', async () => {
    const par = await makePar(alice.recipient);
    await expect(par.url(bob.identity)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('seals to several recipients, each of whom can open it', async () => {
    const par = await makePar(alice.recipient, { recipients: [alice.recipient, bob.recipient] });
    expect(await par.url(alice.identity)).toBe(SIGNED_URL);
    expect(await par.url(bob.identity)).toBe(SIGNED_URL);
  });

  it('seals to a passphrase', async () => {
    const par = await makePar(alice.recipient, {
      recipients: [{ passphrase: 'correct horse battery', workFactor: 10 }],
    });
    expect(await par.url({ passphrase: 'correct horse battery' })).toBe(SIGNED_URL);
    await expect(par.url({ passphrase: 'wrong horse' })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('rejects a malformed identity with a TypeError that does not echo it', async () => {
    const par = await makePar(alice.recipient);
    const error = await par.url('AGE-SECRET-KEY-1NOTAREALKEY').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).not.toContain('NOTAREALKEY');
  });

  it('refuses read/write/execute the Par does not grant, before opening anything', async () => {
    const par = await makePar(alice.recipient);
    await expect(par.write(alice.identity)).rejects.toBeInstanceOf(PermissionError);
    await expect(par.execute(alice.identity)).rejects.toBeInstanceOf(PermissionError);
    // No identity is even needed to learn that: the permission check comes first.
    await expect(par.write(bob.identity)).rejects.toBeInstanceOf(PermissionError);
  });

  it('refuses to close a driver that cannot revoke, saying so', async () => {
    const par = await makePar(alice.recipient);
    await expect(par.close(alice.identity)).rejects.toMatchObject({
      code: 'PARKIT_NOT_SUPPORTED',
      message: expect.stringMatching(/cannot be revoked/),
    });
  });
});

describe('reseal', () => {
  it('hands the same grant to another team: new recipients, same fingerprint, old key no longer opens it', async () => {
    const par = await makePar(alice.recipient);
    const handed = await par.reseal(alice.identity, [bob.recipient]);
    expect(handed.fingerprint()).toBe(par.fingerprint());
    expect(handed.uid).toBe(par.uid);
    expect(await handed.url(bob.identity)).toBe(SIGNED_URL);
    await expect(handed.url(alice.identity)).rejects.toBeInstanceOf(DecryptionError);
    expect(handed.toToken()).not.toBe(par.toToken());
  });

  it('needs an identity that opens the Par', async () => {
    const par = await makePar(alice.recipient);
    await expect(par.reseal(bob.identity, [bob.recipient])).rejects.toBeInstanceOf(DecryptionError);
  });
});

describe('fingerprint', () => {
  it('is 24 lowercase base32 characters, stable across forms, independent of recipients', async () => {
    const par = await makePar(alice.recipient);
    expect(par.fingerprint()).toMatch(/^[a-z2-7]{24}$/);
    expect(Par.fromToken(par.toToken()).fingerprint()).toBe(par.fingerprint());
    expect(Par.fromData(JSON.parse(JSON.stringify(par.toData()))).fingerprint()).toBe(par.fingerprint());
  });

  it('changes with the URL, even when everything else is equal', async () => {
    const clock = manualClock();
    const random = (length: number) => new Uint8Array(length).fill(7);
    const a = await makePar(alice.recipient, { now: clock.now, random });
    const b = await makePar(alice.recipient, { now: clock.now, random, url: `${SIGNED_URL}0` });
    const c = await makePar(bob.recipient, { now: clock.now, random });
    expect(a.uid).toBe(b.uid);
    expect(a.fingerprint()).not.toBe(b.fingerprint());
    expect(a.fingerprint()).toBe(c.fingerprint());
  });

  it('never reveals the URL', async () => {
    const par = await makePar(alice.recipient);
    for (const part of ['9f1c2e0d', 'X-Amz', 'example.com']) expect(par.fingerprint()).not.toContain(part);
  });
});

describe('safe display', () => {
  it('toString, JSON and inspect show metadata and the fingerprint, never the secret', async () => {
    const par = await makePar(alice.recipient, { name: 'Q3 report' });
    const shown = [String(par), JSON.stringify(par), inspect(par, { depth: 10 }), `${par}`];
    for (const text of shown) {
      expect(text).toContain(par.fingerprint());
      expect(text).not.toContain('9f1c2e0d');
      expect(text).not.toContain('example.com');
      expect(text).not.toContain(par.toToken().slice(8, 40));
    }
    expect(JSON.parse(JSON.stringify(par))).toMatchObject({
      name: 'Q3 report',
      sealed: true,
      permissions: ['read'],
    });
  });

  it('is immutable', async () => {
    const par = await makePar(alice.recipient);
    expect(() => {
      (par as { driver: string }).driver = 's3';
    }).toThrow(TypeError);
    expect(() => (par.permissions as string[]).push('write')).toThrow(TypeError);
  });
});
