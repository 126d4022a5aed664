/**
 * The Downloader with Pars: file:// buckets and objects, https objects on a loopback store
 * (SHA-256 verified when the store reports it), lists of Pars, parkit share events, resume,
 * one progress stream, cancellation.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Downloader, type DownloadProgress, isParkitError, Par, shareEvent } from '../../src/index.js';
import { type HttpStore, startHttpStore } from '../cli/helpers/http-store.js';
import { keyPair } from '../helpers/fixtures.js';

const me = await keyPair();
const other = await keyPair();
let store: HttpStore;
beforeAll(async () => {
  store = await startHttpStore({ checksums: true });
});
afterAll(() => store.close());

const fresh = (name: string) => mkdtempSync(join(tmpdir(), `parkit-dl-${name}-`));

function bucketDir(): string {
  const dir = fresh('src');
  mkdirSync(join(dir, 'notes', 'deep'), { recursive: true });
  writeFileSync(join(dir, 'notes', 'a.txt'), 'alpha');
  writeFileSync(join(dir, 'notes', 'deep', 'b.txt'), 'bravo!');
  writeFileSync(join(dir, 'top.txt'), 'top');
  return dir;
}

const bucketPar = (dir: string, prefix?: string) =>
  Par.create({
    url: pathToFileURL(dir).href,
    driver: 'file',
    target: { kind: 'bucket', ...(prefix === undefined ? {} : { prefix }) },
    permissions: ['read', 'list'],
    expires: { hours: 1 },
    recipients: [me.recipient],
  });

const httpPar = (key: string, recipient = me.recipient) =>
  Par.create({
    url: store.url(key),
    driver: 'https',
    target: { kind: 'object', key },
    permissions: ['read'],
    expires: { hours: 1 },
    recipients: [recipient],
  });

describe('Downloader with Pars', () => {
  it('downloads every object of a bucket Par (keys as paths), with one progress stream', async () => {
    const location = fresh('out');
    const seen: DownloadProgress[] = [];
    const result = await new Downloader(location, { identity: me.identity, concurrency: 2 }).download(
      await bucketPar(bucketDir()),
      {
        onProgress: (progress) => seen.push(progress),
      },
    );
    expect(result.files.map((file) => file.relative).sort()).toEqual([
      'notes/a.txt',
      'notes/deep/b.txt',
      'top.txt',
    ]);
    expect(readFileSync(join(location, 'notes', 'deep', 'b.txt'), 'utf8')).toBe('bravo!');
    expect(result.transferred).toBe(14);
    expect(seen.at(-1)).toEqual({ loaded: 14, total: 14, files: 3, filesTotal: 3 });
    expect(seen.map((progress) => progress.loaded)).toEqual(
      [...seen.map((progress) => progress.loaded)].sort((a, b) => a - b),
    );
  });

  it('resumes: files already complete are skipped, changed ones fetched again', async () => {
    const source = bucketDir();
    const location = fresh('resume');
    const downloader = new Downloader(location, { identity: me.identity });
    await downloader.download(await bucketPar(source, 'notes/'));
    writeFileSync(join(location, 'notes', 'a.txt'), 'ALPHA');
    writeFileSync(join(source, 'notes', 'deep', 'b.txt'), 'bravo, longer');
    const again = await downloader.download(await bucketPar(source, 'notes/'));
    // a.txt: same size and newer locally → kept; b.txt: size changed → fetched.
    expect(again.files.map((file) => [file.relative, file.skipped])).toEqual([
      ['notes/a.txt', true],
      ['notes/deep/b.txt', false],
    ]);
    expect(readFileSync(join(location, 'notes', 'deep', 'b.txt'), 'utf8')).toBe('bravo, longer');
  });

  it('verifies the SHA-256 a store reports, and removes a file that does not match', async () => {
    store.objects.set('good.bin', Buffer.from('good bytes'));
    store.objects.set('bad.bin', Buffer.from('bad bytes'));
    store.lies.set('bad.bin', '0'.repeat(64));
    const location = fresh('sha');
    const downloader = new Downloader(location, { identity: me.identity });
    const result = await downloader.download([await httpPar('good.bin')]);
    expect(result.files[0]?.size).toBe(10);
    const error = await downloader.download([(await httpPar('bad.bin')).toToken()]).catch((e) => e);
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
    expect(error.message).toMatch(/does not match the store's checksum/);
    expect(readdirSync(location)).toEqual(['good.bin']);
    // Verified by hash: a second run transfers nothing.
    const before = store.requests.filter((line) => line === 'GET /o/good.bin').length;
    expect((await downloader.download(await httpPar('good.bin'))).files[0]?.skipped).toBe(true);
    expect(store.requests.filter((line) => line === 'GET /o/good.bin').length).toBe(before);
  });

  it('downloads what a parkit share event grants, and refuses one sealed to someone else', async () => {
    store.objects.set('shared/report.csv', Buffer.from('a,b\n1,2\n'));
    const location = fresh('event');
    const downloader = new Downloader(location, { identity: me.identity });
    await downloader.download(shareEvent(await httpPar('shared/report.csv')));
    expect(readFileSync(join(location, 'shared', 'report.csv'), 'utf8')).toBe('a,b\n1,2\n');
    const notMine = await downloader
      .download(shareEvent(await httpPar('shared/report.csv', other.recipient)))
      .catch((e) => e);
    expect(isParkitError(notMine, 'PARKIT_DECRYPTION_FAILED')).toBe(true);
  });

  it('cancels on abort and leaves no partial file', async () => {
    store.objects.set('big.bin', Buffer.alloc(4 << 20, 7));
    store.delay = 20;
    const location = fresh('abort');
    const controller = new AbortController();
    const pending = new Downloader(location, { identity: me.identity }).download(await httpPar('big.bin'), {
      signal: controller.signal,
      onProgress: ({ loaded }) => {
        if (loaded > 200_000) controller.abort(new DOMException('stop', 'AbortError'));
      },
    });
    const error = await pending.catch((e) => e);
    store.delay = 0;
    expect(error.name).toBe('AbortError');
    expect(readdirSync(location)).toEqual([]);
  });

  it('refuses keys that would leave the location, and bad arguments', async () => {
    const location = fresh('keys');
    const escaping = await Par.create({
      url: store.url('x'),
      driver: 'https',
      target: { kind: 'object', key: '../../etc/x' },
      permissions: ['read'],
      expires: { hours: 1 },
      recipients: [me.recipient],
    });
    store.objects.set('x', Buffer.from('x'));
    const error = await new Downloader(location, { identity: me.identity })
      .download(escaping)
      .catch((e) => e);
    expect(isParkitError(error, 'PARKIT_INVALID_FORMAT')).toBe(true);
    expect(() => new Downloader('')).toThrow(TypeError);
    expect(() => new Downloader(location, { concurrency: 0 })).toThrow(RangeError);
    await expect(new Downloader(location).download(escaping)).rejects.toThrow(/identity/);
    expect(statSync(location).isDirectory()).toBe(true);
    expect(readdirSync(location)).toEqual([]);
  });
});
