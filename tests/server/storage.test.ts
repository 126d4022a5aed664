/**
 * The storage layer on its own: the filesystem store (atomic puts, conditional writes, key
 * order, the data-directory lock, temp sweeping, metadata bound to its version) and the generic
 * records API the compute service and flows will build on.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemStore, RecordStore, StoreError } from '../../src/server/index.js';
import { compareKeys } from '../../src/server/storage/fs-list.js';

let dir: string;
let store: FileSystemStore;
async function* bytes(text: string) {
  yield Buffer.from(text);
}
const text = async (opened: Awaited<ReturnType<FileSystemStore['open']>>) =>
  Buffer.from(await (opened as NonNullable<typeof opened>).bytes()).toString();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parkit-store-'));
  store = await FileSystemStore.open(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('FileSystemStore', () => {
  it('puts atomically, with metadata bound to the exact version', async () => {
    const first = await store.put('b', 'x/y.txt', bytes('one'), { contentType: 'text/plain' });
    expect(first).toMatchObject({ size: 3, contentType: 'text/plain' });
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    const second = await store.put('b', 'x/y.txt', bytes('two!'));
    expect(second.etag).not.toBe(first.etag);
    const opened = await store.open('b', 'x/y.txt');
    expect(opened?.info).toMatchObject({ size: 4, etag: second.etag, sha256: second.sha256 });
    expect(opened?.info.contentType).toBeUndefined();
    expect(await text(opened)).toBe('two!');
    // A sidecar of another version is ignored rather than mixed in.
    await writeFile(
      join(dir, 'meta', 'b', 'x', 'y.txt'),
      JSON.stringify({ v: 1, version: first.etag, contentType: 'text/evil' }),
    );
    expect((await store.stat('b', 'x/y.txt'))?.contentType).toBeUndefined();
  });

  it('reads the same with thread-pool calls (syncSmallReads: false, for network filesystems)', async () => {
    const other = await mkdtemp(join(tmpdir(), 'parkit-store-async-'));
    const asyncStore = await FileSystemStore.open(other, { syncSmallReads: false });
    try {
      const put = await asyncStore.put('b', 'k/v', bytes('async'), { contentType: 'text/x' });
      expect(await asyncStore.stat('b', 'k/v')).toMatchObject({
        size: 5,
        etag: put.etag,
        contentType: 'text/x',
      });
      expect(await text(await asyncStore.open('b', 'k/v'))).toBe('async');
      const opened = await asyncStore.open('b', 'k/v');
      expect(
        Buffer.from(await (opened as NonNullable<typeof opened>).bytes({ start: 1, end: 3 })).toString(),
      ).toBe('syn');
      expect(await asyncStore.open('b', 'missing')).toBeUndefined();
    } finally {
      await asyncStore.close();
      await rm(other, { recursive: true, force: true });
    }
  });

  it('conditional writes: create-only and if-match', async () => {
    const created = await store.put('b', 'k', bytes('1'), { ifNoneMatch: '*' });
    await expect(store.put('b', 'k', bytes('2'), { ifNoneMatch: '*' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    await expect(store.put('b', 'k', bytes('2'), { ifMatch: 'stale' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    const replaced = await store.put('b', 'k', bytes('3'), { ifMatch: created.etag });
    await expect(store.remove('b', 'k', { ifMatch: created.etag })).rejects.toBeInstanceOf(StoreError);
    expect(await store.remove('b', 'k', { ifMatch: replaced.etag })).toBe(true);
    expect(await store.remove('b', 'k')).toBe(false);
    expect(await store.temporaryFiles()).toEqual([]);
  });

  it('lists in UTF-8 byte order with grouping and paging, pruning emptied directories', async () => {
    for (const key of ['a-b', 'a/x', 'a/y/z', 'é', 'z', 'a.c']) await store.put('b', key, bytes(key));
    expect((await store.list('b', { limit: 100 })).objects.map((o) => o.key)).toEqual([
      'a-b',
      'a.c',
      'a/x',
      'a/y/z',
      'z',
      'é',
    ]);
    const grouped = await store.list('b', { limit: 100, delimiter: '/' });
    expect(grouped.objects.map((o) => o.key)).toEqual(['a-b', 'a.c', 'z', 'é']);
    expect(grouped.prefixes).toEqual(['a/']);
    const page = await store.list('b', { limit: 2, prefix: 'a' });
    expect(page).toMatchObject({ next: 'a/x' });
    expect((await store.list('b', { limit: 10, prefix: 'a/', delimiter: '/' })).prefixes).toEqual(['a/y/']);
    await store.remove('b', 'a/y/z');
    expect(await store.exists('objects/b/a/y')).toBe(false);
    expect((await store.list('b', { limit: 10, prefix: 'a/', delimiter: '/' })).prefixes).toEqual([]);
  });

  it('refuses a data directory held by a live process, and sweeps temp files of a dead one', async () => {
    await expect(FileSystemStore.open(dir)).resolves.toBeDefined(); // our own pid: taken over
    await writeFile(join(dir, 'server.lock'), String(process.ppid));
    await expect(FileSystemStore.open(dir)).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE' });
    await writeFile(join(dir, 'server.lock'), '999999999');
    await writeFile(join(dir, 'tmp', 'left-over'), 'partial');
    const reopened = await FileSystemStore.open(dir);
    expect(await reopened.temporaryFiles()).toEqual([]);
  });
});

describe('RecordStore', () => {
  it('creates, replaces conditionally, lists and deletes JSON documents', async () => {
    const records = new RecordStore(store);
    const job = await records.create('jobs', 'j1', { state: 'queued' });
    await expect(records.create('jobs', 'j1', { state: 'other' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    const running = await records.replace('jobs', 'j1', { state: 'running' }, job.etag);
    await expect(records.replace('jobs', 'j1', { state: 'lost update' }, job.etag)).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    expect(await records.get('jobs', 'j1')).toEqual({
      id: 'j1',
      value: { state: 'running' },
      etag: running.etag,
    });
    for (const id of ['j2', 'j3', 'k1']) await records.put('jobs', id, { id });
    expect((await records.listIds('jobs', { prefix: 'j' })).ids).toEqual(['j1', 'j2', 'j3']);
    const page = await records.listIds('jobs', { limit: 2 });
    expect(page).toEqual({ ids: ['j1', 'j2'], next: 'j3' });
    expect((await records.listIds('jobs', { start: page.next as string })).ids).toEqual(['j3', 'k1']);
    expect(await records.delete('jobs', 'j2')).toBe(true);
    expect(await records.exists('jobs', 'j2')).toBe(false);
    const all: string[] = [];
    for await (const record of records.entries('jobs')) all.push(record.id);
    expect(all).toEqual(['j1', 'j3', 'k1']);
    await expect(records.get('Bad Name', 'x')).rejects.toBeInstanceOf(TypeError);
    await expect(records.get('jobs', '../x')).rejects.toBeInstanceOf(TypeError);
  });
});

describe('key order', () => {
  it('is UTF-8 byte order for every string, BMP and beyond (property)', () => {
    const key = fc.string({ unit: 'binary', maxLength: 6 });
    fc.assert(
      fc.property(key, key, (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(Math.sign(compareKeys(a, b))).toBe(bytes);
      }),
      { numRuns: 2000 },
    );
    // Where UTF-16 order differs: U+FF01 sorts before U+1F600 in UTF-8, after it in UTF-16.
    expect(compareKeys('\uff01', '\u{1f600}')).toBeLessThan(0);
  });
});

describe('metadata of a version being committed', () => {
  it('a stat racing a write sees the new version with its content type and SHA-256, never without', async () => {
    await store.put('b', 'raced.csv', bytes('old'), { contentType: 'text/plain' });
    const seen: { etag: string; contentType?: string; sha256?: string }[] = [];
    let writing = true;
    const watch = (async () => {
      while (writing) {
        const info = await store.stat('b', 'raced.csv');
        if (info !== undefined) seen.push(info);
        // Stats may complete without I/O (the sync metadata path): let the writes' I/O run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const written = [];
    for (let i = 0; i < 20; i++)
      written.push(await store.put('b', 'raced.csv', bytes(`version ${i}`), { contentType: 'text/csv' }));
    writing = false;
    await watch;
    const etags = new Set(written.map((info) => info.etag));
    const ofNew = seen.filter((info) => etags.has(info.etag));
    expect(ofNew.length).toBeGreaterThan(0);
    for (const info of ofNew) {
      expect(info.contentType).toBe('text/csv');
      expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // And what is read afterwards is the last version's own metadata.
    expect(await store.stat('b', 'raced.csv')).toMatchObject({
      contentType: 'text/csv',
      sha256: written[19]?.sha256,
    });
  });
});
