import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, Par } from '../../src/index.js';
import { keyPair, makePar, SIGNED_URL } from '../helpers/fixtures.js';

let keys: Awaited<ReturnType<typeof keyPair>>;
let par: Par;
let good: { json: Record<string, unknown>; meta?: unknown };
beforeAll(async () => {
  keys = await keyPair();
  par = await makePar(keys.recipient, {
    name: 'daily',
    id: 'x-1',
    target: { kind: 'bucket', bucket: 'lake', prefix: 'raw/' },
    permissions: ['read', 'list'],
  });
  good = JSON.parse(JSON.stringify(par.toData()));
});

function variant(change: (json: Record<string, unknown>) => void) {
  const copy = structuredClone(good);
  change(copy.json);
  return copy;
}

function formatError(data: unknown): FormatError {
  try {
    Par.fromData(data);
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }
  throw new Error('fromData accepted it');
}

describe('toData / fromData', () => {
  it('round-trips through JSON text with every field, times as luxon DateTimes', async () => {
    const back = Par.fromData(JSON.parse(JSON.stringify(par.toData())));
    expect(back.toJSON()).toEqual(par.toJSON());
    expect(back.created.equals(par.created)).toBe(true);
    expect(back.expires.zoneName).toBe('UTC');
    expect(await back.url(keys.identity)).toBe(SIGNED_URL);
  });

  it('writes a version field and superjson type annotations', () => {
    expect(good.json.v).toBe(1);
    expect(JSON.stringify(good.meta)).toContain('parkit.DateTime');
  });

  it.each([
    ['v', (j: Record<string, unknown>) => (j.v = 2), /unsupported Par format version 2/],
    ['v', (j: Record<string, unknown>) => delete j.v, /unsupported Par format version/],
    ['uid', (j: Record<string, unknown>) => delete j.uid, /uid must be/],
    ['uid', (j: Record<string, unknown>) => (j.uid = String(j.uid).toUpperCase()), /uid must be/],
    ['driver', (j: Record<string, unknown>) => (j.driver = 'ftp'), /driver must be one of/],
    ['target', (j: Record<string, unknown>) => (j.target = 'bucket'), /target must be an object/],
    ['target.kind', (j: Record<string, unknown>) => (j.target = { kind: 'folder' }), /target.kind/],
    ['target.key', (j: Record<string, unknown>) => (j.target = { kind: 'object', key: 7 }), /target.key/],
    [
      'target.size',
      (j: Record<string, unknown>) => (j.target = { kind: 'object', key: 'a', size: 1 }),
      /unknown field/,
    ],
    ['permissions', (j: Record<string, unknown>) => (j.permissions = 'read'), /permissions must be an array/],
    ['permissions', (j: Record<string, unknown>) => (j.permissions = []), /at least one permission/],
    ['name', (j: Record<string, unknown>) => (j.name = ''), /name must be/],
    ['extra', (j: Record<string, unknown>) => (j.extra = true), /unknown field "extra"/],
    ['expires', (j: Record<string, unknown>) => (j.expires = j.created), /expires must be after created/],
  ])('rejects a bad %s', (field, change, message) => {
    const error = formatError(variant(change));
    expect(error.message).toMatch(message);
    expect(error.field).toBe(field === 'target.size' ? 'target.size' : field);
  });

  it.each([
    ['an impossible date', '2026-02-30T12:00:00.000Z'],
    ['a non-canonical offset', '2026-11-22T12:00:00.000+01:00'],
    ['missing milliseconds', '2026-11-22T12:00:00Z'],
    ['a number', 1_700_000_000_000],
  ])('rejects %s as a time, naming the field', (_, value) => {
    const error = formatError(variant((j) => (j.created = value)));
    expect(error.field).toBe('created');
  });

  it('rejects __proto__, constructor and prototype keys anywhere, before deserialising', () => {
    const top = JSON.parse(JSON.stringify(good).replace('{"json":', '{"__proto__":{"polluted":1},"json":'));
    expect(formatError(top).message).toMatch(/forbidden key "__proto__"/);
    const nested = JSON.parse(JSON.stringify(good).replace('"target":{', '"target":{"constructor":{"x":1},'));
    expect(formatError(nested).field).toBe('json.target.constructor');
    const meta = { ...structuredClone(good), meta: { values: { prototype: ['undefined'] } } };
    expect(formatError(meta).message).toMatch(/forbidden key "prototype"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects superjson meta paths that reach a prototype', () => {
    const attack = { ...structuredClone(good), meta: { values: { '__proto__.polluted': ['undefined'] } } };
    expect(() => Par.fromData(attack)).toThrow(FormatError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects bad binding tags and sealed bytes', () => {
    expect(formatError(variant((j) => (j.bind = 'AAAA'))).field).toBe('bind');
    expect(() => Par.fromData(variant((j) => (j.sealed = 'not base64!')))).toThrow(/canonical base64/);
  });

  it('rejects oversize input, non-objects, cycles and extra top-level fields', () => {
    expect(formatError(variant((j) => (j.name = 'x'.repeat(300_000)))).message).toMatch(/larger than/);
    for (const bad of [null, 'par1abc', 42, [good]]) expect(() => Par.fromData(bad)).toThrow(FormatError);
    const cyclic: Record<string, unknown> = { json: {} };
    cyclic.self = cyclic;
    expect(() => Par.fromData(cyclic)).toThrow(/JSON-serialisable/);
    expect(formatError({ ...structuredClone(good), token: 'x' }).message).toMatch(/unknown field "token"/);
  });

  it('accepts data without the secret as a null Par that cannot be opened', async () => {
    const data = variant((j) => delete j.sealed);
    delete (data.meta as { values: Record<string, unknown> }).values.sealed;
    const nullPar = Par.fromData(data);
    expect(nullPar.isNull()).toBe(true);
    expect(nullPar.fingerprint()).toBe(par.fingerprint());
    await expect(nullPar.url(keys.identity)).rejects.toMatchObject({ code: 'PARKIT_PERMISSION_DENIED' });
  });
});
