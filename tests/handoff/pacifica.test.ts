/**
 * Pacifica handoff end to end against the local cartd server (PROTOCOLS §5): an ingest event
 * becomes a cart; the Downloader polls it, extracts its tar safely and verifies every hashsum.
 * Hostile archives (`../`, absolute paths, links, devices, unexpected files, wrong hashsums)
 * are refused with nothing left behind.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CartClient, Downloader, isParkitError, pacificaCartFiles } from '../../src/index.js';
import { type CartdOptions, type CartdServer, startCartd } from '../servers/cartd.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const content = (id: number) => `The data for file ${id}.\n`;
const ids = [1100, 1101, 1102];

/** An ingest event as the Python downloader's test builds it, plus a non-File record. */
function ingestEvent(hashOf: (id: number) => string = (id) => sha1(content(id))) {
  return {
    specversion: '1.0',
    type: 'org.pacifica.metadata.ingest',
    source: 'urn:pacifica:metadata',
    id: 'ingest-67',
    data: [
      { destinationTable: 'Transactions', _id: 67 },
      ...ids.map((id) => ({
        destinationTable: 'Files',
        _id: id,
        name: `file.${id}.txt`,
        subdir: `subdir_${id}`,
        hashtype: 'sha1',
        hashsum: hashOf(id),
        size: content(id).length,
      })),
    ],
  };
}

let server: CartdServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function cartd(options: Partial<CartdOptions> = {}) {
  server = await startCartd({ archive: new Map(ids.map((id) => [id, content(id)])), ...options });
  return server;
}

function downloader(location: string, extra: { timeout?: number } = {}) {
  return new Downloader(location, {
    cartApiUrl: (server as CartdServer).url,
    cart: { pollInterval: 5, timeout: extra.timeout ?? 2000 },
  });
}

const fresh = () => mkdtempSync(join(tmpdir(), 'parkit-pacifica-'));

async function failure(
  run: () => Promise<unknown>,
): Promise<Error & { code?: string; serviceMessage?: string }> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('Pacifica ingest events through cartd', () => {
  it('reads the Files records of an event into cart entries (subdir/name)', () => {
    expect(pacificaCartFiles(ingestEvent()).map((file) => file.path)).toEqual(
      ids.map((id) => `subdir_${id}/file.${id}.txt`),
    );
    expect(() =>
      pacificaCartFiles({
        data: [{ destinationTable: 'Files', _id: 1, name: 'x', hashtype: 'sha1', hashsum: 'zz' }],
      }),
    ).toThrow(/hashsum/);
    expect(() =>
      pacificaCartFiles({
        data: [
          {
            destinationTable: 'Files',
            _id: 1,
            name: 'x',
            subdir: '../..',
            hashtype: 'md5',
            hashsum: 'a'.repeat(32),
          },
        ],
      }),
    ).toThrow(/climbs out/);
  });

  it('creates the cart, waits through staging, extracts into location/data and verifies hashsums', async () => {
    const carts = await cartd({ stagingPolls: 3 });
    const location = fresh();
    const statuses: string[] = [];
    const progress: number[] = [];
    const result = await downloader(location).cloudEvent(ingestEvent(), {
      onCartStatus: (state) => statuses.push(state.status),
      onProgress: ({ files }) => progress.push(files),
    });
    expect(statuses).toEqual(['staging', 'staging', 'staging', 'ready']);
    for (const id of ids) {
      expect(readFileSync(join(location, 'data', `subdir_${id}`, `file.${id}.txt`), 'utf8')).toBe(
        content(id),
      );
    }
    expect(result.files.map((file) => file.skipped)).toEqual([false, false, false]);
    expect(progress.at(-1)).toBe(3);
    expect(carts.requests.filter((line) => line.startsWith('HEAD'))).toHaveLength(4);
    expect(carts.requests.at(-1)).toMatch(/^DELETE /);
    // Only the extracted tree remains: no staging folder.
    expect(readdirSync(location)).toEqual(['data']);
  });

  it('skips files already complete and verified, and asks the cart only for the rest', async () => {
    const carts = await cartd();
    const location = fresh();
    mkdirSync(join(location, 'data', 'subdir_1100'), { recursive: true });
    writeFileSync(join(location, 'data', 'subdir_1100', 'file.1100.txt'), content(1100));
    mkdirSync(join(location, 'data', 'subdir_1101'), { recursive: true });
    writeFileSync(join(location, 'data', 'subdir_1101', 'file.1101.txt'), 'damaged');
    const result = await downloader(location).cloudEvent(ingestEvent());
    expect(result.files.filter((file) => file.skipped).map((file) => file.relative)).toEqual([
      'data/subdir_1100/file.1100.txt',
    ]);
    const posted = carts.requests.filter((line) => line.startsWith('POST'));
    expect(posted).toHaveLength(1);
    expect(readFileSync(join(location, 'data', 'subdir_1101', 'file.1101.txt'), 'utf8')).toBe(content(1101));
    // Everything already there: no cart at all.
    const again = await downloader(location).cloudEvent(ingestEvent());
    expect(again.files.every((file) => file.skipped)).toBe(true);
    expect(carts.requests.filter((line) => line.startsWith('POST'))).toHaveLength(1);
  });

  it("reports a cart in error with cartd's X-Pacifica-Message", async () => {
    await cartd({ archive: new Map([[1100, content(1100)]]) });
    const error = await failure(() => downloader(fresh()).cloudEvent(ingestEvent()));
    expect(isParkitError(error, 'PARKIT_REMOTE_SERVICE')).toBe(true);
    expect(error.serviceMessage).toBe('file id 1101 is not in the archive');
    expect(error.message).toContain('file id 1101 is not in the archive');
  });

  it('reports an unknown cart as NotFoundError and a cart never ready as a timeout', async () => {
    const carts = await cartd({ stagingPolls: 1_000_000 });
    const client = new CartClient(carts.url, { pollInterval: 5, timeout: 50 });
    expect(
      isParkitError(await failure(() => client.state(`${carts.url}/no-such-cart`)), 'PARKIT_NOT_FOUND'),
    ).toBe(true);
    const location = fresh();
    const error = await failure(() => downloader(location, { timeout: 50 }).cloudEvent(ingestEvent()));
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
    expect(error.message).toMatch(/not ready after 0.05 s \(last status staging\)/);
    expect(readdirSync(location)).toEqual([]);
  });

  it('honours an abort while waiting for the cart', async () => {
    await cartd({ stagingPolls: 1_000_000 });
    const controller = new AbortController();
    const pending = downloader(fresh(), { timeout: 60_000 }).cloudEvent(ingestEvent(), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 30);
    expect((await failure(() => pending)).name).toBe('AbortError');
  });

  const hostile: [string, (name: string, normal: { path: string }[]) => object[], RegExp][] = [
    [
      'a ../ entry',
      (name, normal) => [...normal, { path: `${name}/../escape.txt`, content: 'x' }],
      /climbs out/,
    ],
    [
      'an absolute path',
      (_name, normal) => [...normal, { path: '/tmp/parkit-escape.txt', content: 'x' }],
      /absolute path/,
    ],
    [
      'a symbolic link out',
      (name, normal) => [{ path: `${name}/link`, type: 'symlink', linkTarget: '/etc' }, ...normal],
      /symbolic link/,
    ],
    [
      'a hard link',
      (name, normal) => [{ path: `${name}/hard`, type: 'hardlink', linkTarget: '/etc/passwd' }, ...normal],
      /hard link/,
    ],
    [
      'a fifo',
      (name, normal) => [{ path: `${name}/pipe`, type: 'fifo' }, ...normal],
      /not a file or directory/,
    ],
    [
      'an entry outside the cart folder',
      (_name, normal) => [...normal, { path: 'other/x.txt', content: 'x' }],
      /outside the cart folder/,
    ],
    [
      'a file the cart did not ask for',
      (name, normal) => [...normal, { path: `${name}/extra.txt`, content: 'x' }],
      /not a file the cart was asked for/,
    ],
    ['a missing file', (_name, normal) => normal.slice(0, -1), /lacks 1 file/],
  ];
  for (const [what, entries, message] of hostile) {
    it(`refuses an archive with ${what}, leaving nothing behind`, async () => {
      await cartd({ entries: entries as NonNullable<CartdOptions['entries']> });
      const location = fresh();
      const error = await failure(() => downloader(location).cloudEvent(ingestEvent()));
      expect(isParkitError(error)).toBe(true);
      expect(error.message).toMatch(message);
      expect(readdirSync(location)).toEqual([]);
      expect(existsSync('/tmp/parkit-escape.txt')).toBe(false);
      expect(existsSync(join(location, '..', 'escape.txt'))).toBe(false);
    });
  }

  it('refuses a file whose content does not match its hashsum (nothing saved)', async () => {
    await cartd();
    const location = fresh();
    const wrong = ingestEvent((id) => (id === 1102 ? sha1('something else') : sha1(content(id))));
    const error = await failure(() => downloader(location).cloudEvent(wrong));
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
    expect(error.message).toMatch(/subdir_1102\/file.1102.txt" does not match its sha1 hashsum/);
    expect(readdirSync(location)).toEqual([]);
  });

  it('never writes through a symbolic link already in the location', async () => {
    await cartd();
    const location = fresh();
    const elsewhere = fresh();
    symlinkSync(elsewhere, join(location, 'data'));
    const error = await failure(() => downloader(location).cloudEvent(ingestEvent()));
    expect(isParkitError(error, 'PARKIT_PERMISSION_DENIED')).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
