/**
 * Object Pars (a SAS on one blob) against Azurite over real HTTP: write, read, ranges, stat,
 * delete, awkward key characters, response-header overrides, and what a missing blob gives.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Par } from '../../../src/index.js';
import { blobPath } from '../../../src/issuers/azure/names.js';
import { readWithKey } from '../../servers/azurite.js';
import { azurite, failure, scene } from './context.js';

let setup: Awaited<ReturnType<typeof scene>>;
beforeAll(async () => {
  setup = await scene('objects');
});

async function writerFor(blob: string, extra: Record<string, unknown> = {}) {
  const par = await setup.issuer.createPar({
    container: setup.container,
    blob,
    permissions: ['read', 'write', 'delete'],
    expiresIn: 600,
    recipients: [setup.recipient],
    ...extra,
  });
  return { par, writer: await par.write(setup.identity) };
}

function stream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Response(bytes as BodyInit).body as ReadableStream<Uint8Array>;
}

describe('azure object Pars on Azurite', () => {
  it('writes, reads, stats and deletes one blob through its SAS', async () => {
    const { par, writer } = await writerFor('reports/q3.json');
    expect(par.driver).toBe('azure');
    expect(par.target).toEqual({ kind: 'object', bucket: setup.container, key: 'reports/q3.json' });
    const written = await writer.setObjectFromJson({ rows: 3 });
    expect(written.size).toBe(10);
    expect(written.etag).toMatch(/^0x[0-9A-F]+$/);
    expect(await writer.getObjectFromJson()).toEqual({ rows: 3 });
    const stat = await writer.stat();
    expect(stat).toMatchObject({ size: 10, contentType: 'application/json', etag: written.etag });
    // The store itself holds the bytes (read with the account key, bypassing the SAS).
    expect(new TextDecoder().decode(await readWithKey(azurite(), setup.container, 'reports/q3.json'))).toBe(
      '{"rows":3}',
    );
    await writer.deleteObject();
    expect(await readWithKey(azurite(), setup.container, 'reports/q3.json')).toBeUndefined();
    expect((await failure(() => writer.getObject())).code).toBe('PARKIT_NOT_FOUND');
    expect((await failure(() => writer.stat())).code).toBe('PARKIT_NOT_FOUND');
  });

  it('reads byte ranges and reports the whole size', async () => {
    const { writer } = await writerFor('ranges.bin');
    const bytes = Uint8Array.from({ length: 1000 }, (_, index) => index % 251);
    await writer.setObject(bytes);
    const part = new Uint8Array(
      await new Response(await writer.getObjectStream({ range: { start: 100, end: 199 } })).arrayBuffer(),
    );
    expect(part).toEqual(bytes.subarray(100, 200));
    const tail = new Uint8Array(
      await new Response(await writer.getObjectStream({ range: { start: 990 } })).arrayBuffer(),
    );
    expect(tail).toEqual(bytes.subarray(990));
  });

  it('replaces a blob from a stream that fits one block', async () => {
    const { writer } = await writerFor('streamed.txt');
    await writer.setStringObject('old');
    const body = stream(new TextEncoder().encode('new content'));
    const stat = await writer.setObject(body, { contentType: 'text/plain' });
    expect(stat.size).toBe(11);
    expect(await writer.getStringObject()).toBe('new content');
  });

  for (const key of [
    'with space.txt',
    'plus+sign.txt',
    'equals=sign.txt',
    'question?mark.txt',
    'hash#tag.txt',
    'per%cent%20.txt',
    'ünïcødé/日本語/😀.txt',
    "quotes'(and)*!.txt",
    'a&b;c,d@e$f.txt',
  ]) {
    it(`handles the key ${JSON.stringify(key)}`, async () => {
      const { writer } = await writerFor(key);
      await writer.setStringObject(`content of ${key}`);
      expect(await writer.getStringObject()).toBe(`content of ${key}`);
      // Stored under exactly that name.
      expect(await readWithKey(azurite(), setup.container, blobPath(key))).toBeDefined();
    });
  }

  it('makes the store send the Content-Disposition and Content-Type the SAS names (rscd, rsct)', async () => {
    const { writer } = await writerFor('download.csv');
    await writer.setStringObject('a,b\n1,2\n', { contentType: 'text/plain' });
    const reader: Par = await setup.issuer.createPar({
      container: setup.container,
      blob: 'download.csv',
      permissions: ['read'],
      expiresIn: 600,
      recipients: [setup.recipient],
      responseHeaders: {
        contentDisposition: 'attachment; filename="report 2026.csv"',
        contentType: 'text/csv',
      },
    });
    const response = await fetch(await reader.url(setup.identity));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="report 2026.csv"');
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(await response.text()).toBe('a,b\n1,2\n');
    // Without the overrides the stored type comes back.
    const plain = await fetch(await (await writerFor('download.csv')).par.url(setup.identity));
    expect(plain.headers.get('content-type')).toBe('text/plain');
    expect(plain.headers.get('content-disposition')).toBeNull();
    await plain.body?.cancel();
  });

  it('refuses to address a container SAS as an object', async () => {
    const par = await setup.issuer.createPar({
      container: setup.container,
      permissions: ['read'],
      expiresIn: 600,
      recipients: [setup.recipient],
    });
    // Rewrap the container SAS as if it were for one object.
    const wrong = await Par.create({
      url: await par.url(setup.identity),
      driver: 'azure',
      target: { kind: 'object', key: 'x' },
      permissions: ['read'],
      expires: par.expires,
      recipients: [setup.recipient],
    });
    const error = await failure(() => wrong.read(setup.identity));
    expect(error.code).toBe('PARKIT_INVALID_FORMAT');
    expect(error.message).toMatch(/container/);
  });
});
