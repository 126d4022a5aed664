/**
 * Revocation and expiry: a Par closed by the admin or by its holder (`Par.close`, proving
 * possession) stops working for every later request — also on another replica sharing the
 * store; expired Par records are swept (injected clock); deleting a bucket closes its Pars.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BucketReader, type BucketWriter, ParkitAdmin } from '../../src/index.js';
import { createServer, FileSystemStore, type ParkitServer } from '../../src/server/index.js';
import { startServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
  await t.admin.createBucket('shared');
  const { par } = await t.mint({ bucket: 'shared', permissions: ['write'] });
  await ((await par.write(t.identity)) as BucketWriter).setStringObject('a.txt', 'A');
});
afterAll(() => t.stop());

describe('revocation', () => {
  it('admin close: the next request is refused with PAR_REVOKED', async () => {
    const { par, url } = await t.mint({ bucket: 'shared', permissions: ['read', 'list'] });
    const reader = (await par.read(t.identity)) as BucketReader;
    expect(await reader.getStringObject('a.txt')).toBe('A');
    expect((await t.admin.listPars({ bucket: 'shared' })).map((p) => p.id)).toContain(par.id);
    await t.admin.closePar(par);
    await expect(reader.getStringObject('a.txt')).rejects.toMatchObject({ code: 'PARKIT_PERMISSION_DENIED' });
    const raw = await fetch(`${url}a.txt`);
    expect(raw.status).toBe(403);
    expect((await raw.json()).code).toBe('PAR_REVOKED');
    expect((await t.admin.listPars()).map((p) => p.id)).not.toContain(par.id);
    await expect(t.admin.closePar(par)).rejects.toMatchObject({ code: 'PARKIT_NOT_FOUND' });
  });

  it('Par.close by the holder proves possession and revokes it', async () => {
    const { par, url } = await t.mint({ bucket: 'shared', key: 'a.txt', permissions: ['read'] });
    expect((await fetch(url)).status).toBe(200);
    await par.close(t.identity);
    expect((await (await fetch(url)).json()).code).toBe('PAR_REVOKED');
    await expect(t.admin.getPar(par.id as string)).rejects.toMatchObject({ code: 'PARKIT_NOT_FOUND' });
  });

  it('a close without the right proof is refused and changes nothing', async () => {
    const { par, url } = await t.mint({ bucket: 'shared', key: 'a.txt', permissions: ['read'] });
    const wrong = await fetch(`${t.server.url}/access/v1/close`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: par.id, checksum: '0'.repeat(64) }),
    });
    expect(wrong.status).toBe(404);
    expect((await wrong.json()).code).toBe('PAR_NOT_FOUND');
    expect((await fetch(url)).status).toBe(200);
  });

  it('deleting a bucket closes its Pars, so a new bucket of that name is not reachable', async () => {
    await t.admin.createBucket('temporary');
    const { url } = await t.mint({ bucket: 'temporary', permissions: ['read', 'write', 'list'] });
    expect((await fetch(`${url}x.txt`, { method: 'PUT', body: 'x' })).status).toBe(200);
    await expect(t.admin.deleteBucket('temporary')).rejects.toMatchObject({ code: 'PARKIT_CONFLICT' });
    await t.admin.deleteBucket('temporary', { force: true });
    await t.admin.createBucket('temporary');
    expect((await (await fetch(url)).json()).code).toBe('PAR_REVOKED');
  });
});

describe('replicas sharing one store', () => {
  let dir: string;
  let store: FileSystemStore;
  let one: ParkitServer;
  let two: ParkitServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parkit-replicas-'));
    store = await FileSystemStore.open(dir);
    const common = { dataDir: dir, store, adminKey: 'replica-admin-key-0123456789' } as const;
    one = await createServer(common);
    two = await createServer(common);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a Par minted on one works on the other, and closing it on one stops it on both at once', async () => {
    const adminOne = new ParkitAdmin({ url: one.url, adminKey: 'replica-admin-key-0123456789' });
    const adminTwo = new ParkitAdmin({ url: two.url, adminKey: 'replica-admin-key-0123456789' });
    await adminOne.createBucket('b');
    expect((await adminTwo.listBuckets()).map((b) => b.name)).toEqual(['b']);
    const par = await adminOne.createPar({
      bucket: 'b',
      permissions: ['read', 'write'],
      expires: { hours: 1 },
      recipients: [t.recipient],
    });
    const url = await par.url(t.identity);
    const onTwo = url.replace(one.url, two.url);
    expect((await fetch(`${url}k`, { method: 'PUT', body: 'v' })).status).toBe(200);
    expect(await (await fetch(`${onTwo}k`)).text()).toBe('v');
    await adminOne.closePar(par);
    for (const target of [url, onTwo])
      expect((await (await fetch(`${target}k`)).json()).code).toBe('PAR_REVOKED');
  });
});

describe('expiry', () => {
  it('refuses expired Pars and sweeps their records (injected clock)', async () => {
    let now = Date.parse('2026-11-22T12:00:00Z');
    const s = await startServer({ now: () => now, sweepIntervalMs: 3_600_000 });
    try {
      const admin = new ParkitAdmin({ url: s.server.url, adminKey: s.adminKey, now: () => now });
      await admin.createBucket('b');
      const short = await admin.createPar({
        bucket: 'b',
        permissions: ['read'],
        expires: { seconds: 60 },
        recipients: [s.recipient],
      });
      const long = await admin.createPar({
        bucket: 'b',
        permissions: ['read'],
        expires: { hours: 2 },
        recipients: [s.recipient],
      });
      expect(short.expires.toISO()).toBe('2026-11-22T12:01:00.000Z');
      const url = await short.url(s.identity, { buffer: 0 });
      expect((await fetch(`${url}x`)).status).toBe(404);
      now += 61_000;
      expect((await (await fetch(`${url}x`)).json()).code).toBe('PAR_EXPIRED');
      expect(await s.server.sweep()).toBe(1);
      const live = await admin.listPars();
      expect(live.map((p) => p.id)).toEqual([long.id]);
      await expect(admin.getPar(short.id as string)).rejects.toMatchObject({ code: 'PARKIT_NOT_FOUND' });
      expect(await s.server.sweep()).toBe(0);
      expect((await (await fetch(`${url}x`)).json()).code).toBe('PAR_EXPIRED');
    } finally {
      await s.stop();
    }
  });
});
