/**
 * The generic parts driver, through a test dialect that speaks the local object store's simple
 * parts protocol via `send()` (as the S3 and Azure dialects do): large uploads go in parallel
 * parts and appear whole; a failing part is retried; a part that keeps failing, or an abort,
 * aborts the upload so nothing becomes visible; small uploads stay single requests.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { partSize } from '../../src/access/parts.js';
import { isParkitError } from '../../src/index.js';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy.js';
import { type ObjectStore, startObjectStore } from '../servers/object-store.js';
import { fastRetries, partsWriter, TEST_LIMITS, temporaryDirectory } from './helpers.js';

let store: ObjectStore;
let proxy: FaultProxy;
const PARTS = { threshold: 64 * 1024, size: 16 * 1024, concurrency: 3 };
const content = randomBytes(200 * 1024 + 5);

beforeAll(async () => {
  store = await startObjectStore(join(await temporaryDirectory(), 'store'));
  proxy = await startFaultProxy(store.origin);
});
afterAll(async () => {
  await proxy.close();
  await store.close();
});
afterEach(() => proxy.clear());

const partRequests = (from: number) =>
  store.log.slice(from).filter((request) => request.method === 'PUT' && request.url.includes('partNumber='));

describe('uploads in parts', () => {
  it('sends a large object in parallel parts and it appears whole, with progress', async () => {
    const from = store.log.length;
    const writer = await partsWriter(`${proxy.origin}/whole.bin`, fastRetries({ parts: PARTS }));
    const progress: number[] = [];
    const stat = await writer.setObject(content, { onProgress: (p) => progress.push(p.loaded) });
    expect((await readFile(join(store.root, 'whole.bin'))).equals(content)).toBe(true);
    expect(stat.size).toBe(content.length);
    expect(partRequests(from)).toHaveLength(Math.ceil(content.length / PARTS.size));
    expect(progress.at(-1)).toBe(content.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(store.openUploads()).toEqual([]);
  });

  it('uploads a file in parts, and a stream of unknown size once it proves large', async () => {
    const source = join(await temporaryDirectory(), 'source.bin');
    await writeFile(source, content);
    const writer = await partsWriter(`${proxy.origin}/file.bin`, fastRetries({ parts: PARTS }));
    await writer.setObjectFromFile(source);
    expect((await readFile(join(store.root, 'file.bin'))).equals(content)).toBe(true);

    const from = store.log.length;
    const streamed = await partsWriter(`${proxy.origin}/stream.bin`, fastRetries({ parts: PARTS }));
    await streamed.setObject(new Response(content).body as ReadableStream<Uint8Array>);
    expect((await readFile(join(store.root, 'stream.bin'))).equals(content)).toBe(true);
    expect(partRequests(from).length).toBeGreaterThan(1);
  });

  it('keeps small data in one request, a short stream included', async () => {
    const from = store.log.length;
    const writer = await partsWriter(`${proxy.origin}/small.bin`, fastRetries({ parts: PARTS }));
    await writer.setObject(new Response('tiny').body as ReadableStream<Uint8Array>);
    expect(await readFile(join(store.root, 'small.bin'), 'utf8')).toBe('tiny');
    expect(partRequests(from)).toEqual([]);
    expect(store.log.slice(from).map((request) => request.method)).toEqual(['PUT']);
  });

  it('retries a failing part on its own', async () => {
    proxy.inject(
      { fault: { kind: 'status', status: 503 }, path: 'partNumber=3' },
      { fault: { kind: 'reset-upload', afterBytes: 100 }, path: 'partNumber=5' },
    );
    const from = store.log.length;
    const writer = await partsWriter(`${proxy.origin}/retried.bin`, fastRetries({ parts: PARTS }));
    await writer.setObject(content);
    expect((await readFile(join(store.root, 'retried.bin'))).equals(content)).toBe(true);
    // Every part arrived exactly once at the store; parts 3 and 5 were each sent twice by the client.
    expect(partRequests(from)).toHaveLength(Math.ceil(content.length / PARTS.size));
    expect(
      proxy.log.filter((request) => request.fault !== undefined && request.url.includes('retried')),
    ).toHaveLength(2);
  });

  it('aborts the upload when a part keeps failing: nothing visible, the previous object untouched', async () => {
    await writeFile(join(store.root, 'kept.bin'), 'previous');
    proxy.inject({ fault: { kind: 'status', status: 500 }, path: 'partNumber=4', times: 100 });
    const writer = await partsWriter(`${proxy.origin}/kept.bin`, fastRetries({ parts: PARTS }));
    const error = await writer.setObject(content).catch((e: unknown) => e);
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
    expect(error).toMatchObject({ status: 500, attempts: 4 });
    expect(await readFile(join(store.root, 'kept.bin'), 'utf8')).toBe('previous');
    expect(store.openUploads()).toEqual([]);
    expect(
      store.log.some(
        (request) => request.method === 'DELETE' && request.url.startsWith('/kept.bin?uploadId='),
      ),
    ).toBe(true);
  });

  it('aborts the upload when the caller aborts', async () => {
    const controller = new AbortController();
    proxy.inject({ fault: { kind: 'stall', ms: 1_000 }, path: 'partNumber=2' });
    const writer = await partsWriter(`${proxy.origin}/aborted.bin`, fastRetries({ parts: PARTS }));
    const pending = writer.setObject(content, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('changed my mind')), 50);
    await expect(pending).rejects.toThrow('changed my mind');
    await expect(stat(join(store.root, 'aborted.bin'))).rejects.toThrow();
    expect(store.openUploads()).toEqual([]);
  });
});

describe('part sizes', () => {
  const options = { threshold: 1, size: 5000, concurrency: 1 };
  it('raises the part size to the store minimum and to fit the part count', () => {
    expect(partSize(10_000, TEST_LIMITS, { ...options, size: 10 })).toBe(TEST_LIMITS.minPartSize);
    expect(partSize(100 * 1024 * 1024, TEST_LIMITS, options)).toBe(Math.ceil((100 * 1024 * 1024) / 1000));
    expect(partSize(undefined, TEST_LIMITS, options)).toBe(5000);
  });
  it('refuses an object too large for the store', () => {
    expect(() => partSize(2000 * 1024 * 1024, TEST_LIMITS, options)).toThrow(RangeError);
  });
});
