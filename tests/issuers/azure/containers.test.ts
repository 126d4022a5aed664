/**
 * Container Pars (a SAS on a whole container) against Azurite over real HTTP: any key read,
 * written and deleted through the one SAS, List Blobs with prefix, delimiter and pagination,
 * and prefix Pars (refused unless the caller accepts client-side enforcement).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { BucketReader, BucketWriter } from '../../../src/index.js';
import { readWithKey } from '../../servers/azurite.js';
import { azurite, failure, scene } from './context.js';

let setup: Awaited<ReturnType<typeof scene>>;
let bucket: BucketWriter;
let reader: BucketReader;
const KEYS = ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'd e/ü+=.txt', 'z.txt'];

beforeAll(async () => {
  setup = await scene('containers');
  const par = await setup.issuer.createPar({
    container: setup.container,
    permissions: ['read', 'write', 'list', 'delete'],
    expiresIn: 600,
    recipients: [setup.recipient],
  });
  bucket = await par.write(setup.identity);
  reader = await par.read(setup.identity);
  for (const key of KEYS) await bucket.setStringObject(key, `content of ${key}`);
});

describe('azure container Pars on Azurite', () => {
  it('mints a bucket Par whose SAS covers the container (sr=c, sp=rcwdl)', async () => {
    const par = await setup.issuer.createPar({
      container: setup.container,
      permissions: ['read', 'write', 'list', 'delete'],
      expiresIn: 600,
      recipients: [setup.recipient],
    });
    expect(par.target).toEqual({ kind: 'bucket', bucket: setup.container });
    const query = new URL(await par.url(setup.identity)).searchParams;
    expect(query.get('sr')).toBe('c');
    expect(query.get('sp')).toBe('rcwdl');
  });

  it('reads every key written through the one SAS', async () => {
    const par = await setup.issuer.createPar({
      container: setup.container,
      permissions: ['read', 'list'],
      expiresIn: 600,
      recipients: [setup.recipient],
    });
    const { strings } = await (await par.read(setup.identity)).getAllStrings();
    expect([...strings.keys()]).toEqual([...KEYS].sort());
    for (const key of KEYS) expect(strings.get(key)).toBe(`content of ${key}`);
  });

  it('lists with a prefix and a delimiter', async () => {
    const page = await reader.listObjects({ prefix: 'b/', delimiter: '/' });
    expect(page.objects.map((object) => object.key)).toEqual(['b/1.txt', 'b/2.txt']);
    expect(page.prefixes).toEqual(['b/c/']);
    expect(page.objects[0]).toMatchObject({ size: 'content of b/1.txt'.length });
    expect(page.objects[0]?.lastModified?.isValid).toBe(true);
    expect(page.continuation).toBeUndefined();
    const top = await reader.listObjects({ delimiter: '/' });
    expect(top.objects.map((object) => object.key)).toEqual(['a.txt', 'z.txt']);
    expect(top.prefixes).toEqual(['b/', 'd e/']);
  });

  it('pages through the listing with markers', async () => {
    const pages: string[][] = [];
    let continuation: string | undefined;
    do {
      const page = await reader.listObjects({
        pageSize: 2,
        ...(continuation === undefined ? {} : { continuation }),
      });
      pages.push(page.objects.map((object) => object.key));
      continuation = page.continuation;
    } while (continuation !== undefined);
    expect(pages).toHaveLength(3);
    expect(pages.every((page) => page.length === 2)).toBe(true);
    expect(pages.flat()).toEqual([...KEYS].sort());
    expect(await reader.getAllObjectNames()).toEqual([...KEYS].sort());
  });

  it('deletes any key through the container SAS', async () => {
    await bucket.setStringObject('doomed.txt', 'bye');
    expect(await readWithKey(azurite(), setup.container, 'doomed.txt')).toBeDefined();
    await bucket.deleteObject('doomed.txt');
    expect(await readWithKey(azurite(), setup.container, 'doomed.txt')).toBeUndefined();
    expect((await failure(() => reader.getObject('doomed.txt'))).code).toBe('PARKIT_NOT_FOUND');
  });

  it('refuses keys Azure cannot name, before any request', async () => {
    for (const key of ['a/../b', 'trailing/', 'dot.', 'x'.repeat(1025)]) {
      const error = await failure(() => bucket.setStringObject(key, 'x'));
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/^key/);
    }
  });

  it('refuses a prefix Par unless client-side enforcement is accepted', async () => {
    const error = await failure(() =>
      setup.issuer.createPar({
        container: setup.container,
        prefix: 'b/',
        permissions: ['read', 'list'],
        expiresIn: 600,
        recipients: [setup.recipient],
      }),
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toMatch(/whole container/);
  });

  it('keeps a client-enforced prefix Par to its prefix (the token itself reaches the container)', async () => {
    const par = await setup.issuer.createPar({
      container: setup.container,
      prefix: 'b/',
      prefixEnforcement: 'client',
      permissions: ['read', 'write', 'list'],
      expiresIn: 600,
      recipients: [setup.recipient],
    });
    expect(par.target).toEqual({ kind: 'bucket', bucket: setup.container, prefix: 'b/' });
    const writer = await par.write(setup.identity);
    const scoped = await par.read(setup.identity);
    expect(await scoped.getAllObjectNames()).toEqual(['b/1.txt', 'b/2.txt', 'b/c/3.txt']);
    expect((await failure(() => scoped.getObject('a.txt'))).code).toBe('PARKIT_PERMISSION_DENIED');
    expect((await failure(() => writer.setStringObject('a.txt', 'no'))).code).toBe(
      'PARKIT_PERMISSION_DENIED',
    );
    // The documented caveat, shown: the SAS inside reaches outside the prefix.
    const url = new URL(await par.url(setup.identity));
    const outside = `${url.origin}${url.pathname}/a.txt${url.search}`;
    expect(await (await fetch(outside)).text()).toBe('content of a.txt');
  });
});
