/**
 * Bucket Pars on a real Ceph RGW. Read/list/write/delete Pars carry temporary STS credentials
 * whose session policy the gateway enforces (prefix, actions, expiry); write-only Pars carry a
 * POST policy the gateway enforces (prefix, size range).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { s3Dialect } from '../../../src/access/dialects/s3.js';
import {
  type BucketReader,
  type BucketWriter,
  ExpiredError,
  NotSupportedError,
  type Par,
  PermissionError,
} from '../../../src/index.js';
import { keyPair } from '../../helpers/fixtures.js';
import { AWKWARD_KEYS, bucketName, cephIssuer, createBucket, getObject, putObject } from './ceph-helpers.js';

const keys = await keyPair();
const issuer = cephIssuer();
const bucket = bucketName('bucket-pars');
const decode = (bytes: Uint8Array | number) =>
  typeof bytes === 'number' ? bytes : new TextDecoder().decode(bytes);

/** The endpoint the dialect makes of a Par's secret, bypassing the reader's own prefix checks. */
/**
 * The dialect's bucket endpoint without the client's own expiry checks (its clock stays at the
 * Par's creation), so what is refused is refused by the gateway.
 */
async function rawBucket(par: Par) {
  const secret = await par.url(keys.identity, { buffer: 0 });
  const options = { buffer: 0, now: () => par.created };
  return s3Dialect.bucket?.(secret, { par, fetch: globalThis.fetch.bind(globalThis), options });
}

beforeAll(async () => {
  await createBucket(issuer, bucket);
  for (const key of ['in/a.txt', 'in/b.txt', 'in/sub/c.txt', 'in/sub/d.txt', 'in/e.txt', 'out/secret.txt']) {
    await putObject(issuer, bucket, key, `body of ${key}`);
  }
});

describe('read/list bucket Pars (temporary credentials)', () => {
  it('list every page and read every object under the prefix', async () => {
    const par = await issuer.createPar({
      bucket,
      prefix: 'in/',
      permissions: ['read', 'list'],
      expiresIn: 900,
      recipients: [keys.recipient],
    });
    expect(par.driver).toBe('s3');
    expect(par.target).toEqual({ kind: 'bucket', bucket, prefix: 'in/' });
    const reader = (await par.read(keys.identity)) as BucketReader;
    const first = await reader.listObjects({ pageSize: 2 });
    expect(first.objects.map((object) => object.key)).toEqual(['in/a.txt', 'in/b.txt']);
    expect(first.continuation).toBeDefined();
    expect(await reader.getAllObjectNames()).toEqual([
      'in/a.txt',
      'in/b.txt',
      'in/e.txt',
      'in/sub/c.txt',
      'in/sub/d.txt',
    ]);
    const grouped = await reader.listObjects({ delimiter: '/' });
    expect(grouped.prefixes).toEqual(['in/sub/']);
    expect(grouped.objects.map((object) => object.key)).toEqual(['in/a.txt', 'in/b.txt', 'in/e.txt']);
    expect(grouped.objects[0]?.size).toBe('body of in/a.txt'.length);
    expect(await reader.getStringObject('in/sub/c.txt')).toBe('body of in/sub/c.txt');
    expect((await reader.stat('in/e.txt')).size).toBe('body of in/e.txt'.length);
    const all = await reader.getAllStrings({ prefix: 'in/sub/' });
    expect([...all.strings.keys()]).toEqual(['in/sub/c.txt', 'in/sub/d.txt']);
  });

  it('the gateway itself refuses keys outside the prefix and actions the Par does not grant', async () => {
    const par = await issuer.createPar({
      bucket,
      prefix: 'in/',
      permissions: ['read', 'list'],
      expiresIn: 900,
      recipients: [keys.recipient],
    });
    const reader = (await par.read(keys.identity)) as BucketReader;
    await expect(reader.getObject('out/secret.txt')).rejects.toBeInstanceOf(PermissionError);
    // Past the reader's own checks, straight to the store with the Par's credentials:
    const raw = await rawBucket(par);
    await expect(raw?.object('out/secret.txt').read({})).rejects.toBeInstanceOf(PermissionError);
    await expect(raw?.list({ prefix: 'out/' })).rejects.toBeInstanceOf(PermissionError);
    await expect(raw?.list({})).rejects.toBeInstanceOf(PermissionError);
    await expect(raw?.object('in/a.txt').write(new TextEncoder().encode('x'), {})).rejects.toBeInstanceOf(
      PermissionError,
    );
    await expect(raw?.object('in/a.txt').remove({})).rejects.toBeInstanceOf(PermissionError);
    expect(decode(await getObject(issuer, bucket, 'in/a.txt'))).toBe('body of in/a.txt');
  });

  it('a whole-bucket list-only Par lists every key and reads none', async () => {
    const par = await issuer.createPar({
      bucket,
      permissions: ['list'],
      expiresIn: 900,
      recipients: [keys.recipient],
    });
    const raw = await rawBucket(par);
    const page = await raw?.list({});
    expect(page?.objects.map((object) => object.key)).toContain('out/secret.txt');
    await expect(raw?.object('in/a.txt').read({})).rejects.toBeInstanceOf(PermissionError);
  });
});

describe('read/write/delete bucket Pars (temporary credentials)', () => {
  it('write, read back, list and delete awkward keys under the prefix', async () => {
    const par = await issuer.createPar({
      bucket,
      prefix: 'rw/',
      permissions: ['read', 'write', 'list', 'delete'],
      expiresIn: 900,
      recipients: [keys.recipient],
    });
    const writer = (await par.write(keys.identity)) as BucketWriter;
    const reader = (await par.read(keys.identity)) as BucketReader;
    for (const key of AWKWARD_KEYS) await writer.setStringObject(`rw/${key}`, `text of ${key}`);
    expect(await reader.getAllObjectNames()).toEqual(AWKWARD_KEYS.map((key) => `rw/${key}`).sort());
    for (const key of AWKWARD_KEYS) expect(await reader.getStringObject(`rw/${key}`)).toBe(`text of ${key}`);
    expect((await reader.stat(`rw/${AWKWARD_KEYS[1]}`)).contentType).toBe('text/plain; charset=utf-8');
    for (const key of AWKWARD_KEYS) await writer.deleteObject(`rw/${key}`);
    expect(await reader.getAllObjectNames()).toEqual([]);
    const raw = await rawBucket(par);
    await expect(
      raw?.object('out/planted.txt').write(new TextEncoder().encode('x'), {}),
    ).rejects.toBeInstanceOf(PermissionError);
    expect(await getObject(issuer, bucket, 'out/planted.txt')).toBe(404);
  });

  it('the credentials stop working at the Par expiry (the session policy ends them)', async () => {
    const par = await issuer.createPar({
      bucket,
      prefix: 'in/',
      permissions: ['read'],
      expiresIn: 3,
      recipients: [keys.recipient],
    });
    const raw = await rawBucket(par);
    expect(await new Response((await raw?.object('in/a.txt').read({}))?.body).text()).toBe(
      'body of in/a.txt',
    );
    await new Promise((resolve) => setTimeout(resolve, 4000));
    // The gateway refuses (403): by then the Par has expired, so the refusal says so.
    const refusal = await raw
      ?.object('in/a.txt')
      .read({})
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ExpiredError);
    expect((refusal as ExpiredError).cause).toBeInstanceOf(PermissionError);
  });
});

describe('write-only bucket Pars (POST policy)', () => {
  it('uploads under the prefix within the size range', async () => {
    const par = await issuer.createPar({
      bucket,
      prefix: 'drop/',
      permissions: ['write'],
      expiresIn: 600,
      maxSize: 1024,
      recipients: [keys.recipient],
    });
    const writer = (await par.write(keys.identity)) as BucketWriter;
    for (const key of AWKWARD_KEYS.slice(0, 8)) {
      const stat = await writer.setStringObject(`drop/${key}`, `dropped ${key}`);
      expect(stat.size).toBe(new TextEncoder().encode(`dropped ${key}`).length);
      expect(decode(await getObject(issuer, bucket, `drop/${key}`))).toBe(`dropped ${key}`);
    }
    await expect(writer.setObject('drop/big.bin', new Uint8Array(2048))).rejects.toBeInstanceOf(
      PermissionError,
    );
    await expect(writer.setStringObject('elsewhere.txt', 'no')).rejects.toBeInstanceOf(PermissionError);
    await expect(writer.deleteObject('drop/plain.txt')).rejects.toBeInstanceOf(PermissionError);
    expect(await getObject(issuer, bucket, 'drop/big.bin')).toBe(404);
  });

  it('the gateway enforces the prefix and the size range itself', async () => {
    const par = await issuer.createPar({
      bucket,
      prefix: 'drop/',
      permissions: ['write'],
      expiresIn: 600,
      minSize: 2,
      maxSize: 16,
      recipients: [keys.recipient],
    });
    const secret = JSON.parse(await par.url(keys.identity)) as {
      url: string;
      fields: Record<string, string>;
    };
    const post = async (key: string, size: number) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(secret.fields)) form.append(name, value);
      form.append('key', key);
      form.append('Content-Type', 'application/octet-stream');
      form.append('file', new Blob([new Uint8Array(size)]));
      const response = await fetch(secret.url, { method: 'POST', body: form });
      await response.body?.cancel();
      return response.status;
    };
    expect(await post('drop/ok.bin', 8)).toBe(204);
    expect(await post('outside/ok.bin', 8)).toBe(403);
    expect(await post('drop/too-big.bin', 17)).toBe(400);
    expect(await post('drop/too-small.bin', 1)).toBe(400);
    expect(await getObject(issuer, bucket, 'outside/ok.bin')).toBe(404);
    expect(await getObject(issuer, bucket, 'drop/too-big.bin')).toBe(404);
    const raw = await rawBucket(par);
    await expect(raw?.list({})).rejects.toBeInstanceOf(NotSupportedError);
  });
});
