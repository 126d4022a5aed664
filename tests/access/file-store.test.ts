/**
 * Readers and writers on the `file:` dialect (a local directory as a store, Acquire's testing
 * driver), on real files.
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type BucketTarget,
  FormatError,
  NotFoundError,
  Par,
  type Permission,
  PermissionError,
} from '../../src/index.js';
import { keyPair } from '../helpers/fixtures.js';

const keys = await keyPair();
let store: string;

beforeEach(async () => {
  store = await mkdtemp(join(tmpdir(), 'parkit-store-'));
  await mkdir(join(store, 'raw', '2026'), { recursive: true });
  await writeFile(join(store, 'raw', '2026', 'a.json'), '{"n":1}');
  await writeFile(join(store, 'raw', '2026', 'b.txt'), 'bee');
  await writeFile(join(store, 'raw', 'c.bin'), Uint8Array.of(0xff, 0xfe, 0x00));
  await writeFile(join(store, 'top.txt'), 'top');
});

function bucketPar(permissions: Permission[], prefix?: string) {
  return Par.create<BucketTarget>({
    url: pathToFileURL(store).href,
    driver: 'file',
    target: prefix === undefined ? { kind: 'bucket' } : { kind: 'bucket', prefix },
    permissions,
    expires: { hours: 1 },
    recipients: [keys.recipient],
  });
}

function objectPar(path: string, permissions: Permission[]) {
  return Par.create({
    url: pathToFileURL(join(store, path)).href,
    driver: 'file',
    target: { kind: 'object', key: path },
    permissions,
    expires: { hours: 1 },
    recipients: [keys.recipient],
  });
}

describe('object Pars on a file store', () => {
  it('read bytes, text, JSON and streams', async () => {
    const reader = await (await objectPar('raw/2026/a.json', ['read'])).read(keys.identity);
    expect(await reader.getStringObject()).toBe('{"n":1}');
    expect(await reader.getObjectFromJson()).toEqual({ n: 1 });
    expect(await new Response(await reader.getObjectStream()).text()).toBe('{"n":1}');
    expect((await reader.stat()).size).toBe(7);
  });

  it('reads a byte range', async () => {
    const reader = await (await objectPar('top.txt', ['read'])).read(keys.identity);
    expect(await new Response(await reader.getObjectStream({ range: { start: 1, end: 1 } })).text()).toBe(
      'o',
    );
  });

  it('reports non-text and non-JSON content with a FormatError', async () => {
    const reader = await (await objectPar('raw/c.bin', ['read'])).read(keys.identity);
    await expect(reader.getStringObject()).rejects.toBeInstanceOf(FormatError);
    const text = await (await objectPar('top.txt', ['read'])).read(keys.identity);
    await expect(text.getObjectFromJson()).rejects.toThrow(/not valid JSON/);
  });

  it('writes atomically and reads back; downloads to a file', async () => {
    const writer = await (await objectPar('new/out.json', ['read', 'write'])).write(keys.identity);
    await writer.setObjectFromJson({ ok: true });
    expect(await writer.getObjectFromJson()).toEqual({ ok: true });
    const saved = await writer.getObjectAsFile(join(store, 'copy.json'));
    expect(saved.size).toBe(11);
    expect(await readFile(join(store, 'copy.json'), 'utf8')).toBe('{"ok":true}');
    expect((await readdir(join(store, 'new'))).filter((name) => name.startsWith('.parkit-tmp'))).toEqual([]);
  });

  it('a write-only Par cannot read; a missing object is NotFoundError', async () => {
    const writer = await (await objectPar('top.txt', ['write'])).write(keys.identity);
    await expect(writer.getObject()).rejects.toBeInstanceOf(PermissionError);
    const missing = await (await objectPar('nope.txt', ['read'])).read(keys.identity);
    await expect(missing.getObject()).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('bucket Pars on a file store', () => {
  it('list every key across pages, in key order', async () => {
    const bucket = await (await bucketPar(['read', 'list'])).read(keys.identity);
    expect(await bucket.getAllObjectNames()).toEqual([
      'raw/2026/a.json',
      'raw/2026/b.txt',
      'raw/c.bin',
      'top.txt',
    ]);
    const first = await bucket.listObjects({ pageSize: 3 });
    expect(first.objects.map((o) => o.key)).toEqual(['raw/2026/a.json', 'raw/2026/b.txt', 'raw/c.bin']);
    const second = await bucket.listObjects({ pageSize: 3, continuation: first.continuation as string });
    expect(second.objects.map((o) => o.key)).toEqual(['top.txt']);
    expect(second.continuation).toBeUndefined();
  });

  it('group by a delimiter', async () => {
    const bucket = await (await bucketPar(['read', 'list'])).read(keys.identity);
    const page = await bucket.listObjects({ delimiter: '/' });
    expect(page.prefixes).toEqual(['raw/']);
    expect(page.objects.map((o) => o.key)).toEqual(['top.txt']);
    const inner = await bucket.listObjects({ prefix: 'raw/', delimiter: '/' });
    expect(inner).toMatchObject({ prefixes: ['raw/2026/'] });
    expect(inner.objects.map((o) => o.key)).toEqual(['raw/c.bin']);
  });

  it('fetch all objects and all strings, reporting the ones that are not text', async () => {
    const bucket = await (await bucketPar(['read', 'list'])).read(keys.identity);
    const all = await bucket.getAllObjects({ prefix: 'raw/', concurrency: 2 });
    expect([...all.keys()]).toEqual(['raw/2026/a.json', 'raw/2026/b.txt', 'raw/c.bin']);
    const { strings, notText } = await bucket.getAllStrings({ prefix: 'raw/' });
    expect(Object.fromEntries(strings)).toEqual({ 'raw/2026/a.json': '{"n":1}', 'raw/2026/b.txt': 'bee' });
    expect(notText).toEqual(['raw/c.bin']);
  });

  it('a prefix Par never reaches outside its prefix', async () => {
    const bucket = await (await bucketPar(['read', 'list'], 'raw/2026/')).read(keys.identity);
    expect(await bucket.getAllObjectNames()).toEqual(['raw/2026/a.json', 'raw/2026/b.txt']);
    expect(await bucket.getAllObjectNames({ prefix: 'raw/' })).toEqual(['raw/2026/a.json', 'raw/2026/b.txt']);
    expect(await bucket.getAllObjectNames({ prefix: 'top' })).toEqual([]);
    await expect(bucket.getObject('top.txt')).rejects.toBeInstanceOf(PermissionError);
    await expect(bucket.getObject('raw/2026/../../top.txt')).rejects.toThrow(RangeError);
  });

  it('listing needs the list permission', async () => {
    const bucket = await (await bucketPar(['read'])).read(keys.identity);
    await expect(bucket.getAllObjectNames()).rejects.toBeInstanceOf(PermissionError);
    expect(await bucket.getStringObject('top.txt')).toBe('top');
  });

  it('writes keys and refuses path tricks, leaving the store untouched', async () => {
    const writer = await (await bucketPar(['write', 'delete'])).write(keys.identity);
    await writer.setStringObject('out/new.txt', 'fresh');
    expect(await readFile(join(store, 'out', 'new.txt'), 'utf8')).toBe('fresh');
    for (const key of ['../escape.txt', '/abs.txt', 'a\\b', 'a//b', './x', 'x/..']) {
      await expect(writer.setStringObject(key, 'x')).rejects.toThrow();
    }
    expect((await readdir(store)).sort()).toEqual(['out', 'raw', 'top.txt']);
    await writer.deleteObject('out/new.txt');
    await expect(writer.deleteObject('out/new.txt')).rejects.toBeInstanceOf(NotFoundError);
  });
});
