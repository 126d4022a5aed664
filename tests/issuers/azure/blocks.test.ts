/**
 * Block uploads against Azurite: the parts contract (Put Block in parallel and out of order,
 * Put Block List on complete, nothing visible before, abort commits nothing), and the writers'
 * generic parts driver using it for large bytes and streams.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { azureDialect } from '../../../src/access/dialects/azure.js';
import { AZURE_PART_LIMITS } from '../../../src/access/dialects/azure-blocks.js';
import type { ObjectEndpoint, PartUploader } from '../../../src/access/endpoint.js';
import type { ObjectTarget, ObjectWriter, Par } from '../../../src/index.js';
import { blockCount, readWithKey } from '../../servers/azurite.js';
import { azurite, failure, scene } from './context.js';

let setup: Awaited<ReturnType<typeof scene>>;
beforeAll(async () => {
  setup = await scene('blocks');
});

const MiB = 1024 * 1024;
/** Parts small enough to test quickly: 1 MiB blocks from 1 MiB up. */
const SMALL_PARTS = { parts: { threshold: MiB, size: MiB } } as const;

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * 31 + seed) % 256);
}

async function blobPar(blob: string): Promise<Par<ObjectTarget>> {
  return setup.issuer.createPar({
    container: setup.container,
    blob,
    permissions: ['read', 'write'],
    expiresIn: 600,
    recipients: [setup.recipient],
  });
}

async function endpointFor(blob: string): Promise<ObjectEndpoint> {
  const par = await blobPar(blob);
  const object = azureDialect.object;
  if (object === undefined) throw new Error('the azure dialect has no object endpoint');
  return object(await par.url(setup.identity), { par, fetch: globalThis.fetch.bind(globalThis) });
}

/** A short fingerprint of bytes, so large arrays are compared without a huge diff. */
function digest(bytes: Uint8Array | undefined): string {
  return bytes === undefined
    ? 'absent'
    : `${bytes.length}:${createHash('sha256').update(bytes).digest('hex')}`;
}

function chunked(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

describe('azure block uploads on Azurite', () => {
  it("states Azure's block blob limits", async () => {
    const { parts } = await endpointFor('limits.bin');
    expect(parts?.limits).toEqual({ minPartSize: 1, maxPartSize: 4000 * MiB, maxParts: 50_000 });
    expect(AZURE_PART_LIMITS).toEqual(parts?.limits);
  });

  it('stages blocks in parallel and out of order, and commits them in part order', async () => {
    const parts = (await endpointFor('big/multi part.bin')).parts as PartUploader;
    const pieces = [pattern(MiB, 1), pattern(MiB, 2), pattern(300_000, 3)];
    const upload = await parts.begin({ contentType: 'application/x-test', size: 2 * MiB + 300_000 });
    const uploaded = await Promise.all(
      [3, 1, 2].map((partNumber) => upload.uploadPart(partNumber, pieces[partNumber - 1] as Uint8Array, {})),
    );
    // Block ids: base64, all of one length.
    expect(new Set(uploaded.map((part) => part.etag.length)).size).toBe(1);
    expect(uploaded.every((part) => /^[A-Za-z0-9+/]+=*$/.test(part.etag))).toBe(true);
    // Nothing is visible before the commit.
    expect(await readWithKey(azurite(), setup.container, 'big/multi%20part.bin')).toBeUndefined();
    expect(await blockCount(azurite(), setup.container, 'big/multi%20part.bin', 'uncommitted')).toBe(3);
    const stat = await upload.complete([...uploaded].reverse(), {});
    expect(stat.size).toBe(2 * MiB + 300_000);
    expect(stat.etag).toMatch(/^0x/);
    const stored = await readWithKey(azurite(), setup.container, 'big/multi%20part.bin');
    expect(digest(stored)).toBe(digest(Buffer.concat(pieces)));
    expect(await blockCount(azurite(), setup.container, 'big/multi%20part.bin', 'uncommitted')).toBe(0);
    const reader = await (await blobPar('big/multi part.bin')).read(setup.identity);
    expect((await reader.stat()).contentType).toBe('application/x-test');
  });

  it('commits nothing on abort and leaves an existing blob as it was', async () => {
    const endpoint = await endpointFor('kept.txt');
    await endpoint.write(new TextEncoder().encode('original'), {});
    const upload = await (endpoint.parts as PartUploader).begin({});
    await upload.uploadPart(1, pattern(1000, 9), {});
    await upload.uploadPart(2, pattern(1000, 8), {});
    await upload.abort({});
    expect(new TextDecoder().decode(await readWithKey(azurite(), setup.container, 'kept.txt'))).toBe(
      'original',
    );
    expect((await failure(() => upload.complete([], {}))).code).toBe('PARKIT_TRANSFER_FAILED');
    expect((await failure(() => upload.uploadPart(3, pattern(10, 1), {}))).code).toBe(
      'PARKIT_TRANSFER_FAILED',
    );
  });

  it('refuses to commit parts that this upload did not stage', async () => {
    const parts = (await endpointFor('mixed.bin')).parts as PartUploader;
    const first = await parts.begin({});
    const second = await parts.begin({});
    const mine = await first.uploadPart(1, pattern(100, 1), {});
    const theirs = await second.uploadPart(2, pattern(100, 2), {});
    expect(await failure(() => first.complete([mine, theirs], {}))).toBeInstanceOf(RangeError);
    expect(await readWithKey(azurite(), setup.container, 'mixed.bin')).toBeUndefined();
  });

  it('uploads through a container SAS to any key', async () => {
    const par = await setup.issuer.createPar({
      container: setup.container,
      permissions: ['read', 'write'],
      expiresIn: 600,
      recipients: [setup.recipient],
    });
    const bucket = azureDialect.bucket;
    if (bucket === undefined) throw new Error('the azure dialect has no bucket endpoint');
    const endpoint = bucket(await par.url(setup.identity), {
      par,
      fetch: globalThis.fetch.bind(globalThis),
    }).object('via container/ü.bin');
    const upload = await (endpoint.parts as PartUploader).begin({});
    const parts = [
      await upload.uploadPart(1, pattern(5000, 1), {}),
      await upload.uploadPart(2, pattern(7, 2), {}),
    ];
    expect((await upload.complete(parts, {})).size).toBe(5007);
    expect((await endpoint.stat({})).size).toBe(5007);
  });

  it('the writer cuts a long stream into blocks and commits once', async () => {
    const size = 2 * MiB + 12_345;
    const bytes = pattern(size, 5);
    const par = await blobPar('streamed/long.bin');
    const writer: ObjectWriter = await par.write(setup.identity, SMALL_PARTS);
    const stat = await writer.setObject(chunked(bytes, 256 * 1024));
    expect(stat.size).toBe(size);
    const stored = await readWithKey(azurite(), setup.container, 'streamed/long.bin');
    expect(digest(stored)).toBe(digest(bytes));
    expect(await blockCount(azurite(), setup.container, 'streamed/long.bin', 'uncommitted')).toBe(0);
    expect(await blockCount(azurite(), setup.container, 'streamed/long.bin', 'committed')).toBe(3);
  });

  it('the writer sends byte arrays from the threshold up as blocks, smaller ones as one Put Blob', async () => {
    const par = await blobPar('large bytes.bin');
    const writer: ObjectWriter = await par.write(setup.identity, SMALL_PARTS);
    const bytes = pattern(2 * MiB + 512 * 1024, 7);
    const stat = await writer.setObject(bytes, { contentType: 'application/x-big' });
    expect(stat.size).toBe(bytes.length);
    expect(digest(await readWithKey(azurite(), setup.container, 'large%20bytes.bin'))).toBe(digest(bytes));
    expect(await blockCount(azurite(), setup.container, 'large%20bytes.bin', 'committed')).toBe(3);
    expect((await writer.stat()).contentType).toBe('application/x-big');
    // Below the threshold: one Put Blob, no blocks.
    await writer.setObject(bytes.subarray(0, 1000));
    expect(await blockCount(azurite(), setup.container, 'large%20bytes.bin', 'committed')).toBe(0);
  });

  it('commits nothing when a stream gives fewer bytes than announced', async () => {
    const endpoint = await endpointFor('short.bin');
    const error = await failure(() => endpoint.write(chunked(pattern(10, 1), 4), { size: 11 }));
    expect(error.code).toBe('PARKIT_TRANSFER_FAILED');
    expect(await readWithKey(azurite(), setup.container, 'short.bin')).toBeUndefined();
  });

  it('commits nothing when the stream fails midway', async () => {
    const writer: ObjectWriter = await (await blobPar('broken.bin')).write(setup.identity, SMALL_PARTS);
    let sent = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 12) return controller.error(new Error('source broke'));
        controller.enqueue(pattern(1024 * 1024, sent));
      },
    });
    const error = await failure(() => writer.setObject(broken));
    expect(error.message).toBe('source broke');
    expect(await readWithKey(azurite(), setup.container, 'broken.bin')).toBeUndefined();
  });
});
