/**
 * The faults of issue 4, injected by a real loopback proxy in front of a real object store, for
 * downloads to a file, downloads to memory, uploads and bulk reads. In every case the outcome is
 * the complete, correct content, or a typed error with nothing left at the destination (and a
 * previous file or object there untouched).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccessOptions } from '../../src/access/options.js';
import { type BucketReader, isParkitError, type ObjectWriter } from '../../src/index.js';
import { type Fault, type FaultProxy, type Rule, startFaultProxy } from '../servers/fault-proxy.js';
import { type ObjectStore, startObjectStore } from '../servers/object-store.js';
import { directoryPar, fastRetries, keys, objectPar, temporaryDirectory } from './helpers.js';

const SIZE = 3 * 1024 * 1024 + 17;
const content = randomBytes(SIZE);
const small = Array.from({ length: 12 }, (_, i) => randomBytes(4096 + i));
let store: ObjectStore;
let proxy: FaultProxy;
let work: string;

beforeAll(async () => {
  const root = join(await temporaryDirectory(), 'store');
  await mkdir(join(root, 'bulk'), { recursive: true });
  await writeFile(join(root, 'big.bin'), content);
  for (const [i, bytes] of small.entries())
    await writeFile(join(root, 'bulk', `k${String(i).padStart(2, '0')}`), bytes);
  store = await startObjectStore(root);
  proxy = await startFaultProxy(store.origin);
});
afterAll(async () => {
  await proxy.close();
  await store.close();
});
beforeEach(async () => {
  work = await temporaryDirectory('parkit-faults-');
});
afterEach(() => proxy.clear());

/** A recoverable fault on the object, as injected, and what it proves. */
const recoverable: [string, Fault, Partial<Rule>][] = [
  ['connection reset mid-body', { kind: 'reset', afterBytes: 1024 * 1024 }, {}],
  ['503 then success', { kind: 'status', status: 503 }, {}],
  ['429 with Retry-After', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, {}],
  ['truncated body under a correct Content-Length', { kind: 'truncate', afterBytes: 700_000 }, {}],
  ['one corrupted byte with a checksum header', { kind: 'corrupt', atByte: 123_456 }, {}],
  ['a server slower than the timeout (no answer)', { kind: 'stall', ms: 1_500 }, {}],
  ['a server stalling mid-body', { kind: 'stall', ms: 1_500, afterBytes: 500_000 }, {}],
];

/** Faults that never stop: the transfer must fail, typed, leaving nothing. */
const persistent: [string, Fault][] = [
  ['resets', { kind: 'reset', afterBytes: 0 }],
  ['503s', { kind: 'status', status: 503 }],
  ['corrupted bytes', { kind: 'corrupt', atByte: 10 }],
  ['stalls', { kind: 'stall', ms: 1_500 }],
];

const options = (): AccessOptions & { delays: number[] } => fastRetries({ timeout: 300 });

async function objectReader(settings: AccessOptions) {
  return (await objectPar(`${proxy.origin}/big.bin`, ['read'])).read(keys.identity, settings);
}

async function expectNothingLeft(directory: string, keep: string[] = []) {
  expect((await readdir(directory)).sort()).toEqual(keep.sort());
}

describe('download to a file', () => {
  it.each(recoverable)('recovers from %s', async (_name, fault, rule) => {
    const settings = options();
    proxy.inject({ fault, path: '/big.bin', ...rule });
    const saved = await (await objectReader(settings)).getObjectAsFile(join(work, 'out.bin'));
    expect(saved.size).toBe(SIZE);
    expect((await readFile(join(work, 'out.bin'))).equals(content)).toBe(true);
    await expectNothingLeft(work, ['out.bin']);
    if (fault.kind === 'status' && fault.status === 429) expect(settings.delays).toContain(1000);
  });

  it('resumes with Range and If-Range after a reset, not from the start', async () => {
    const before = proxy.log.length;
    proxy.inject({ fault: { kind: 'reset', afterBytes: 2 * 1024 * 1024 }, path: '/big.bin' });
    await (await objectReader(options())).getObjectAsFile(join(work, 'out.bin'));
    const requests = proxy.log.slice(before);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.range).toMatch(/^bytes=\d{6,}-$/);
    expect(Number(/=(\d+)-/.exec(requests[1]?.range ?? '')?.[1])).toBeGreaterThan(1024 * 1024);
  });

  it.each(persistent)(
    'fails typed on endless %s, leaving no file and the previous one untouched',
    async (_n, fault) => {
      await writeFile(join(work, 'out.bin'), 'previous');
      proxy.inject({ fault, path: '/big.bin', times: 50 });
      const error = await (await objectReader(options()))
        .getObjectAsFile(join(work, 'out.bin'))
        .catch((e: unknown) => e);
      expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
      expect((error as { attempts?: number }).attempts).toBeGreaterThanOrEqual(1);
      expect(await readFile(join(work, 'out.bin'), 'utf8')).toBe('previous');
      await expectNothingLeft(work, ['out.bin']);
    },
  );

  it('with parallel ranges, recovers from a reset inside one range', async () => {
    const settings = fastRetries({
      timeout: 300,
      ranges: { threshold: 1024 * 1024, size: 512 * 1024, concurrency: 3 },
    });
    const before = proxy.log.length;
    proxy.inject({ fault: { kind: 'reset', afterBytes: 100_000 }, path: '/big.bin', ranged: true });
    // No whole-object checksum may be verified in order with ranges: the store's are hidden here.
    const reader = await (await objectPar(`${proxy.origin}/big.bin?nochecksum`, ['read'])).read(
      keys.identity,
      settings,
    );
    await reader.getObjectAsFile(join(work, 'out.bin'));
    expect((await readFile(join(work, 'out.bin'))).equals(content)).toBe(true);
    expect(proxy.log.slice(before).filter((request) => request.range !== undefined).length).toBeGreaterThan(
      5,
    );
  });
});

describe('download to memory', () => {
  it.each(recoverable)('recovers from %s', async (_name, fault, rule) => {
    proxy.inject({ fault, path: '/big.bin', ...rule });
    const bytes = await (await objectReader(options())).getObject();
    expect(Buffer.from(bytes).equals(content)).toBe(true);
  });

  it.each(persistent)('fails typed on endless %s', async (_n, fault) => {
    proxy.inject({ fault, path: '/big.bin', times: 50 });
    const error = await (await objectReader(options())).getObject().catch((e: unknown) => e);
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
  });

  it('as a stream, resumes by itself after a reset', async () => {
    proxy.inject({ fault: { kind: 'reset', afterBytes: 1024 * 1024 }, path: '/big.bin' });
    const stream = await (await objectReader(options())).getObjectStream();
    expect(Buffer.from(await new Response(stream).arrayBuffer()).equals(content)).toBe(true);
  });
});

describe('upload from a file', () => {
  const uploads: [string, Fault][] = [
    ['a reset while the body arrives', { kind: 'reset-upload', afterBytes: 1024 * 1024 }],
    ['503 then success', { kind: 'status', status: 503 }],
    ['429 with Retry-After', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }],
    ['a server slower than the timeout', { kind: 'stall', ms: 1_500 }],
  ];

  async function writer(settings: AccessOptions, key = 'up.bin'): Promise<ObjectWriter> {
    return (await objectPar(`${proxy.origin}/${key}`, ['read', 'write'])).write(keys.identity, settings);
  }

  it.each(uploads)('recovers from %s, re-reading the file', async (_name, fault) => {
    const source = join(work, 'source.bin');
    await writeFile(source, content);
    proxy.inject({ fault, method: 'PUT', path: '/up.bin' });
    const progress: number[] = [];
    await (await writer(options())).setObjectFromFile(source, { onProgress: (p) => progress.push(p.loaded) });
    expect((await readFile(join(store.root, 'up.bin'))).equals(content)).toBe(true);
    expect(progress.at(-1)).toBe(SIZE);
  });

  it.each(uploads)('fails typed on endless %s, never leaving a partial object', async (name, fault) => {
    await writeFile(join(store.root, 'kept.bin'), 'previous');
    const source = join(work, 'source.bin');
    await writeFile(source, content);
    proxy.inject({ fault, method: 'PUT', path: '/kept.bin', times: 50 });
    const error = await (await writer(options(), 'kept.bin'))
      .setObjectFromFile(source)
      .catch((e: unknown) => e);
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
    const stored = await readFile(join(store.root, 'kept.bin'));
    if (name.includes('slower')) {
      // The store took the whole body and only its answer was late: old or new, never partial.
      expect(stored.toString() === 'previous' || stored.equals(content)).toBe(true);
    } else expect(stored.toString()).toBe('previous');
    // The store discards a broken upload's temporary file as soon as it notices the break.
    await vi.waitFor(async () =>
      expect((await readdir(store.root)).filter((name) => name.startsWith('.upload-'))).toEqual([]),
    );
  });

  it('recovers bytes uploads too (setObject)', async () => {
    proxy.inject({ fault: { kind: 'reset-upload', afterBytes: 300_000 }, method: 'PUT', path: '/bytes.bin' });
    await (await writer(options(), 'bytes.bin')).setObject(content);
    expect((await readFile(join(store.root, 'bytes.bin'))).equals(content)).toBe(true);
  });
});

describe('bulk reads', () => {
  async function bucket(settings: AccessOptions): Promise<BucketReader> {
    return (await directoryPar(`${proxy.origin}/bulk/`)).read(keys.identity, settings);
  }

  it.each([
    ...recoverable.map(([name, fault]) => {
      const scaled: Fault =
        fault.kind === 'reset' || fault.kind === 'truncate'
          ? { ...fault, afterBytes: 1000 }
          : fault.kind === 'corrupt'
            ? { ...fault, atByte: 100 }
            : fault.kind === 'stall' && fault.afterBytes !== undefined
              ? { ...fault, afterBytes: 1000 }
              : fault;
      return [name, scaled] as [string, Fault];
    }),
  ])('getAllObjects recovers from %s on one object', async (_name, fault) => {
    proxy.inject({ fault, path: '/bulk/k05' });
    const all = await (await bucket(options())).getAllObjects({ concurrency: 4 });
    expect([...all.keys()]).toEqual(small.map((_, i) => `k${String(i).padStart(2, '0')}`));
    for (const [i, bytes] of small.entries()) {
      expect(Buffer.from(all.get(`k${String(i).padStart(2, '0')}`) as Uint8Array).equals(bytes)).toBe(true);
    }
  });

  it.each(persistent)('getAllObjects fails fast and typed on endless %s', async (_n, fault) => {
    proxy.inject({ fault, path: '/bulk/k03', times: 50 });
    const error = await (await bucket(options())).getAllObjects({ concurrency: 4 }).catch((e: unknown) => e);
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
  });

  it('getAllStrings recovers too', async () => {
    proxy.inject({ fault: { kind: 'reset', afterBytes: 100 }, path: '/bulk/k01' });
    const result = await (await bucket(options())).getAllStrings({ concurrency: 2 });
    // Random bytes are not UTF-8: every one is reported, none silently dropped.
    expect(result.notText).toHaveLength(small.length);
    expect(result.strings.size).toBe(0);
  });
});
