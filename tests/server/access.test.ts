/**
 * The access API over real sockets, through the parkit dialect and the reader/writer classes:
 * object and bucket Pars, listing with pagination and delimiter, ranges, ETag / If-None-Match,
 * PUT checksums, downloads verified against x-checksum-sha256, and curl on a minted URL.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BucketReader,
  type BucketWriter,
  isParkitError,
  type ObjectReader,
  type ObjectWriter,
} from '../../src/index.js';
import { startServer, type TestServer } from './helpers.js';

const run = promisify(execFile);
let t: TestServer;
const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  t = await startServer();
  await t.admin.createBucket('data');
});
afterAll(() => t.stop());

describe('object Pars through the dialect', () => {
  it('write then read one object, with content type, size, etag and sha256', async () => {
    const { par } = await t.mint({
      bucket: 'data',
      key: 'docs/hello.txt',
      permissions: ['read', 'write', 'delete'],
    });
    const writer = (await par.write(t.identity)) as ObjectWriter;
    const stat = await writer.setStringObject('hello, parkit');
    expect(stat.sha256).toBe(sha('hello, parkit'));
    const reader = (await par.read(t.identity)) as ObjectReader;
    expect(await reader.getStringObject()).toBe('hello, parkit');
    const head = await reader.stat();
    expect(head).toMatchObject({
      size: 13,
      contentType: 'text/plain; charset=utf-8',
      sha256: sha('hello, parkit'),
    });
    expect(head.etag).toBe(stat.etag);
    await writer.deleteObject();
    await expect(reader.getObject()).rejects.toMatchObject({ code: 'PARKIT_NOT_FOUND' });
  });

  it('ranges, 304 on If-None-Match, and 206 headers, over plain fetch', async () => {
    const { url } = await t.mint({ bucket: 'data', key: 'range.bin', permissions: ['read', 'write'] });
    const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    expect((await fetch(url, { method: 'PUT', body })).status).toBe(200);
    const part = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${body.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(body.subarray(1000, 2000));
    const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(body.subarray(body.length - 10));
    const whole = await fetch(url);
    const etag = whole.headers.get('etag') as string;
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(body);
    expect(whole.headers.get('x-checksum-sha256')).toBe(sha(body));
    const cached = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(body.length));
  });

  it('verifies Content-MD5 and x-checksum-sha256 on PUT, keeping the previous version on mismatch', async () => {
    const { url } = await t.mint({ bucket: 'data', key: 'checked.txt', permissions: ['read', 'write'] });
    const md5 = createHash('md5').update('first').digest('base64');
    const ok = await fetch(url, {
      method: 'PUT',
      body: 'first',
      headers: { 'content-md5': md5, 'x-checksum-sha256': sha('first') },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('opc-content-md5')).toBe(md5);
    const bad = await fetch(url, {
      method: 'PUT',
      body: 'second',
      headers: { 'x-checksum-sha256': sha('other') },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('CHECKSUM_MISMATCH');
    expect(await (await fetch(url)).text()).toBe('first');
    expect((await fetch(url)).headers.get('content-md5')).toBe(md5);
  });

  it('downloads to a file verified against the server checksum', async () => {
    const { par } = await t.mint({ bucket: 'data', key: 'file.bin', permissions: ['read', 'write'] });
    const dir = await mkdtemp(join(tmpdir(), 'parkit-dl-'));
    const source = join(dir, 'source.bin');
    await writeFile(source, Buffer.alloc(3 * 1024 * 1024, 7));
    await ((await par.write(t.identity)) as ObjectWriter).setObjectFromFile(source);
    const saved = await ((await par.read(t.identity)) as ObjectReader).getObjectAsFile(join(dir, 'copy.bin'));
    expect(saved.size).toBe(3 * 1024 * 1024);
    expect(saved.stat.sha256).toBe(sha(await readFile(source)));
    expect(sha(await readFile(join(dir, 'copy.bin')))).toBe(saved.stat.sha256);
  });

  it('curl reads and writes through a minted Par URL', async () => {
    const { url } = await t.mint({ bucket: 'data', key: 'curl/hello.txt', permissions: ['read', 'write'] });
    const dir = await mkdtemp(join(tmpdir(), 'parkit-curl-'));
    await writeFile(join(dir, 'up.txt'), 'sent by curl\n');
    const put = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-T',
      join(dir, 'up.txt'),
      url,
    ]);
    expect(put.stdout).toBe('200');
    const get = await run('curl', ['-sS', '-D', join(dir, 'headers.txt'), url]);
    expect(get.stdout).toBe('sent by curl\n');
    expect(await readFile(join(dir, 'headers.txt'), 'utf8')).toMatch(/x-checksum-sha256: [0-9a-f]{64}/i);
    const range = await run('curl', ['-sS', '-r', '0-3', url]);
    expect(range.stdout).toBe('sent');
  });
});

describe('bucket and prefix Pars through the dialect', () => {
  it('lists page by page in key order, with prefixes for "/"', async () => {
    const { par: writePar } = await t.mint({ bucket: 'data', prefix: 'list/', permissions: ['write'] });
    const writer = (await writePar.write(t.identity)) as BucketWriter;
    const keys = [
      'list/a.txt',
      'list/b/1.txt',
      'list/b/2.txt',
      'list/b-c.txt',
      'list/c.txt',
      'list/ü.txt',
      'list/z/deep/x.txt',
    ];
    for (const key of keys) await writer.setStringObject(key, key);
    const { par } = await t.mint({ bucket: 'data', prefix: 'list/', permissions: ['read', 'list'] });
    const reader = (await par.read(t.identity)) as BucketReader;
    expect(await reader.getAllObjectNames()).toEqual(
      [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    const pages: string[][] = [];
    let continuation: string | undefined;
    do {
      const page = await reader.listObjects({
        pageSize: 2,
        ...(continuation === undefined ? {} : { continuation }),
      });
      pages.push(page.objects.map((o) => o.key));
      continuation = page.continuation;
    } while (continuation !== undefined);
    expect(pages.flat()).toEqual(await reader.getAllObjectNames());
    expect(pages.length).toBe(4);
    const grouped = await reader.listObjects({ delimiter: '/' });
    expect(grouped.objects.map((o) => o.key)).toEqual([
      'list/a.txt',
      'list/b-c.txt',
      'list/c.txt',
      'list/ü.txt',
    ]);
    expect(grouped.prefixes).toEqual(['list/b/', 'list/z/']);
    expect(grouped.objects[0]).toMatchObject({ size: 10 });
    expect(grouped.objects[0]?.lastModified?.isValid).toBe(true);
    const strings = await reader.getAllStrings();
    expect(strings.strings.get('list/b/2.txt')).toBe('list/b/2.txt');
  });

  it('OCI ListObjects JSON on the wire: fields, prefixes, nextStartWith and start', async () => {
    const { url } = await t.mint({ bucket: 'data', prefix: 'list/', permissions: ['read', 'list'] });
    const first = await (await fetch(`${url}?prefix=list/&limit=3&fields=name,size,timeCreated`)).json();
    expect(Object.keys(first)).toEqual(['objects', 'prefixes', 'nextStartWith']);
    expect(Object.keys(first.objects[0])).toEqual(['name', 'size', 'timeCreated']);
    const next = await (
      await fetch(`${url}?limit=3&start=${encodeURIComponent(first.nextStartWith)}`)
    ).json();
    expect(next.objects[0].name).toBe(first.nextStartWith);
    expect(Object.keys(next.objects[0])).toEqual(['name']);
    // Byte order: "ü" (0xC3 0xBC) sorts after "z".
    const names = async (query: string) =>
      ((await (await fetch(`${url}?${query}`)).json()).objects as { name: string }[]).map((o) => o.name);
    expect(await names('startAfter=list/c.txt')).toEqual(['list/z/deep/x.txt', 'list/ü.txt']);
    expect(await names('startAfter=list/c.txt&end=list/z0')).toEqual(['list/z/deep/x.txt']);
  });

  it('a prefix Par writes inside its prefix only; the server refuses what the client check would', async () => {
    const { par, url } = await t.mint({ bucket: 'data', prefix: 'inbox/', permissions: ['write'] });
    const writer = (await par.write(t.identity)) as BucketWriter;
    await writer.setStringObject('inbox/report.txt', 'in');
    await expect(writer.setStringObject('outbox/report.txt', 'out')).rejects.toMatchObject({
      code: 'PARKIT_PERMISSION_DENIED',
    });
    const direct = await fetch(`${url}outbox/report.txt`, { method: 'PUT', body: 'out' });
    expect(direct.status).toBe(403);
    expect((await direct.json()).code).toBe('OUT_OF_SCOPE');
    const read = await fetch(`${url}inbox/report.txt`);
    expect((await read.json()).code).toBe('PERMISSION_DENIED');
  });

  it('errors reach the caller as typed parkit errors', async () => {
    const { par } = await t.mint({ bucket: 'data', permissions: ['read'] });
    const reader = (await par.read(t.identity)) as BucketReader;
    const error = await reader.getObject('missing.txt').catch((e: unknown) => e);
    expect(isParkitError(error, 'PARKIT_NOT_FOUND')).toBe(true);
    await expect(reader.listObjects()).rejects.toMatchObject({ code: 'PARKIT_PERMISSION_DENIED' });
  });
});
