/**
 * Downloads take an answer's bytes one of two ways: natively from the `node:http` message (the
 * default transport on Node: no web stream is ever made) or from a web stream (a caller's
 * `fetch`, and every other runtime). Both go through the real fault proxy of issue 4 here, for
 * files, memory and parallel ranges: the complete, correct content or a typed error and nothing
 * left behind, whichever way the bytes came.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccessOptions } from '../../src/access/options.js';
import { isParkitError } from '../../src/index.js';
import { NodeResponse } from '../../src/platform/node-response.js';
import { type Fault, type FaultProxy, startFaultProxy } from '../servers/fault-proxy.js';
import { type ObjectStore, startObjectStore } from '../servers/object-store.js';
import { directoryPar, fastRetries, keys, objectPar, temporaryDirectory } from './helpers.js';

const SIZE = 2 * 1024 * 1024 + 3;
const content = randomBytes(SIZE);
const small = Array.from({ length: 6 }, () => randomBytes(3000));
let store: ObjectStore;
let proxy: FaultProxy;
let work: string;

beforeAll(async () => {
  const root = join(await temporaryDirectory(), 'store');
  await mkdir(join(root, 'bulk'), { recursive: true });
  await writeFile(join(root, 'big.bin'), content);
  for (const [i, bytes] of small.entries()) await writeFile(join(root, 'bulk', `k${i}`), bytes);
  store = await startObjectStore(root);
  proxy = await startFaultProxy(store.origin);
});
afterAll(async () => {
  await proxy.close();
  await store.close();
});
beforeEach(async () => {
  work = await temporaryDirectory('parkit-paths-');
});
afterEach(() => {
  proxy.clear();
  vi.restoreAllMocks();
});

const bodyFaults: [string, Fault][] = [
  ['a reset mid-body', { kind: 'reset', afterBytes: 700_000 }],
  ['a body cut short under its Content-Length', { kind: 'truncate', afterBytes: 300_000 }],
  ['one corrupted byte', { kind: 'corrupt', atByte: 1_000_000 }],
  ['a stall mid-body', { kind: 'stall', ms: 1_500, afterBytes: 400_000 }],
  ['a 503 first', { kind: 'status', status: 503 }],
];

const calls = { fetch: 0 };
const paths: [string, () => AccessOptions][] = [
  ['natively (node:http)', () => fastRetries({ timeout: 300 })],
  [
    'from a web stream (a caller’s fetch)',
    () =>
      fastRetries({
        timeout: 300,
        fetch: (input, init) => {
          calls.fetch++;
          return globalThis.fetch(input, init);
        },
      }),
  ],
];

describe.each(paths)('bytes read %s', (path, settings) => {
  const native = path.startsWith('natively');

  async function reader(query = '') {
    return (await objectPar(`${proxy.origin}/big.bin${query}`, ['read'])).read(keys.identity, settings());
  }

  it('download to a file and to memory, with no web stream made on the native path', async () => {
    const made = vi.spyOn(NodeResponse.prototype, 'body', 'get');
    const before = calls.fetch;
    const object = await reader();
    await object.getObjectAsFile(join(work, 'out.bin'));
    expect((await readFile(join(work, 'out.bin'))).equals(content)).toBe(true);
    expect(Buffer.from(await object.getObject()).equals(content)).toBe(true);
    expect(made).not.toHaveBeenCalled();
    expect(calls.fetch > before).toBe(!native);
  });

  it.each(bodyFaults)('recovers from %s, to a file and to memory', async (_name, fault) => {
    proxy.inject({ fault, path: '/big.bin', times: 2 });
    const object = await reader();
    const saved = await object.getObjectAsFile(join(work, 'out.bin'));
    expect(saved.size).toBe(SIZE);
    expect((await readFile(join(work, 'out.bin'))).equals(content)).toBe(true);
    expect(await readdir(work)).toEqual(['out.bin']);
    expect(Buffer.from(await object.getObject()).equals(content)).toBe(true);
  });

  it('recovers from resets inside parallel ranges', async () => {
    proxy.inject({ fault: { kind: 'reset', afterBytes: 50_000 }, path: '/big.bin', ranged: true, times: 3 });
    const object = await (await objectPar(`${proxy.origin}/big.bin?nochecksum`, ['read'])).read(
      keys.identity,
      {
        ...settings(),
        ranges: { threshold: 1024 * 1024, size: 256 * 1024, concurrency: 3 },
      },
    );
    await object.getObjectAsFile(join(work, 'out.bin'));
    expect((await readFile(join(work, 'out.bin'))).equals(content)).toBe(true);
  });

  it('fails typed on endless breaks, leaving the previous file untouched', async () => {
    await writeFile(join(work, 'out.bin'), 'previous');
    proxy.inject({ fault: { kind: 'reset', afterBytes: 0 }, path: '/big.bin', times: 50 });
    const error = await (await reader()).getObjectAsFile(join(work, 'out.bin')).catch((e: unknown) => e);
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
    expect(await readFile(join(work, 'out.bin'), 'utf8')).toBe('previous');
    expect(await readdir(work)).toEqual(['out.bin']);
  });

  it('streams resume by themselves after a break', async () => {
    proxy.inject({ fault: { kind: 'reset', afterBytes: 600_000 }, path: '/big.bin' });
    const stream = await (await reader()).getObjectStream();
    expect(Buffer.from(await new Response(stream).arrayBuffer()).equals(content)).toBe(true);
  });

  it('bulk reads recover from a break on one object', async () => {
    proxy.inject({ fault: { kind: 'reset', afterBytes: 1000 }, path: '/bulk/k3' });
    const bucket = await (await directoryPar(`${proxy.origin}/bulk/`)).read(keys.identity, settings());
    const all = await bucket.getAllObjects({ concurrency: 3 });
    expect([...all.values()].map((bytes) => Buffer.from(bytes).toString('hex'))).toEqual(
      small.map((bytes) => bytes.toString('hex')),
    );
  });
});

describe('bulk reads', () => {
  it('walk a web directory once, however many pages its listing makes', async () => {
    const root = join(store.root, 'many');
    await mkdir(root, { recursive: true });
    for (let i = 0; i < 2500; i++) await writeFile(join(root, `o${String(i).padStart(4, '0')}`), String(i));
    const before = proxy.log.length;
    const bucket = await (await directoryPar(`${proxy.origin}/many/`)).read(keys.identity, fastRetries());
    const names = await bucket.getAllObjectNames();
    expect(names).toHaveLength(2500);
    expect(proxy.log.slice(before).filter((request) => request.url === '/many/')).toHaveLength(1);
    const all = await bucket.getAllObjects({ concurrency: 8 });
    expect(all.get('o1234') && Buffer.from(all.get('o1234') as Uint8Array).toString()).toBe('1234');
  });
});
