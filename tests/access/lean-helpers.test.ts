/**
 * The small helpers the lean request path relies on, each held to what it replaced: lazily
 * parsed dates, read results whose body is made only when asked, key checks that skip the UTF-8
 * encoding only when a key cannot be too long, web-directory URLs built by string (query kept),
 * and vectored file writes that finish a short write.
 */
import { mkdtemp, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { DialectContext } from '../../src/access/dialects/dialect.js';
import { webDirectory } from '../../src/access/dialects/https.js';
import { lazyTime, readResult, statFromHeaders } from '../../src/access/http.js';
import { checkKey } from '../../src/access/keys.js';
import { bodyChunks } from '../../src/platform/body-chunks.js';
import { writeChunksAt } from '../../src/platform/node-files.js';

describe('lazyTime', () => {
  it('parses an HTTP date on first read, as an own enumerable property', () => {
    const stat = lazyTime('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(Object.keys(stat)).toEqual(['lastModified']);
    expect(stat.lastModified?.toISO()).toBe('1994-11-06T08:49:37.000Z');
    expect(stat.lastModified).toBe(stat.lastModified);
    expect(DateTime.isDateTime({ ...stat }.lastModified)).toBe(true);
  });

  it('gives an empty object for no date or an unparsable one', () => {
    expect(lazyTime(null)).toEqual({});
    expect(lazyTime(undefined)).toEqual({});
    expect(lazyTime('not a date')).toEqual({});
  });

  it('leaves statFromHeaders reporting the same fields', () => {
    const headers = new Headers({
      'content-length': '12',
      etag: 'W/"abc"',
      'content-type': 'text/plain',
      'last-modified': 'Sun, 06 Nov 1994 08:49:37 GMT',
    });
    const stat = statFromHeaders(headers);
    expect({ ...stat, lastModified: stat.lastModified?.toMillis() }).toEqual({
      size: 12,
      etag: 'abc',
      contentType: 'text/plain',
      lastModified: Date.UTC(1994, 10, 6, 8, 49, 37),
    });
  });
});

describe('readResult', () => {
  it('reads the stat at once and makes the body only when asked', async () => {
    const response = new Response('hello', { status: 206, headers: { 'content-range': 'bytes 3-7/20' } });
    const result = readResult(response, 3);
    expect(result.stat.size).toBe(20);
    expect(result.start).toBe(3);
    expect(response.bodyUsed).toBe(false);
    expect(result.body).toBe(result.body);
    expect(await new Response(result.body).text()).toBe('hello');
  });

  it('reads a body-less answer as empty, and through bodyChunks', async () => {
    const result = readResult(new Response(null, { status: 200 }));
    expect(result.start).toBeUndefined();
    expect('start' in result).toBe(false);
    expect(await bodyChunks(result).next()).toBeUndefined();
  });
});

describe('checkKey', () => {
  it('measures keys in UTF-8 bytes, however many characters they have', () => {
    expect(checkKey('a'.repeat(1024))).toHaveLength(1024);
    expect(() => checkKey('a'.repeat(1025))).toThrow(RangeError);
    expect(checkKey('€'.repeat(341))).toHaveLength(341); // 1023 bytes
    expect(() => checkKey('€'.repeat(342))).toThrow(RangeError); // 1026 bytes
    expect(() => checkKey('😀'.repeat(257))).toThrow(RangeError); // 1028 bytes in 514 code units
    expect(checkKey('😀'.repeat(256))).toHaveLength(512); // 1024 bytes
  });
});

describe('web directory URLs', () => {
  it('put each segment, percent-encoded, under the directory and keep its query', async () => {
    const asked: string[] = [];
    const context = {
      fetch: async (url: string) => {
        asked.push(url);
        return new Response('x');
      },
      options: {},
    } as unknown as DialectContext;
    const bucket = webDirectory('https://user:pw@store.test:8443/data/set?sig=a%2Fb&x=1#top', context);
    await bucket.object('a b/ü?#%/c').read({});
    await bucket.object('plain').read({});
    expect(asked).toEqual([
      'https://user:pw@store.test:8443/data/set/a%20b/%C3%BC%3F%23%25/c?sig=a%2Fb&x=1#top',
      'https://user:pw@store.test:8443/data/set/plain?sig=a%2Fb&x=1#top',
    ]);
    const bare = webDirectory('http://store.test/d/?', context);
    await bare.object('k').read({});
    expect(asked.at(-1)).toBe('http://store.test/d/k?');
  });
});

describe('writeChunksAt', () => {
  it('writes the chunks in order at a position', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'parkit-writev-')), 'f');
    const handle = await open(path, 'w+');
    try {
      const chunks = [Buffer.from('hello '), Buffer.from('vectored '), Buffer.from('world')];
      expect(await writeChunksAt(handle, chunks, 4)).toBe(20);
      expect(await writeChunksAt(handle, [Buffer.from('ab')], 0)).toBe(2);
    } finally {
      await handle.close();
    }
    expect(await readFile(path, 'latin1')).toBe('ab\0\0hello vectored world');
  });

  it('finishes a short write chunk by chunk', async () => {
    const file = new Uint8Array(32);
    const fake = {
      // Takes only the first 7 bytes of a vectored write, as a full disk or a signal might.
      async writev(chunks: Uint8Array[], at: number) {
        const all = Buffer.concat(chunks).subarray(0, 7);
        file.set(all, at);
        return { bytesWritten: all.length, buffers: chunks };
      },
      async write(bytes: Uint8Array, offset: number, length: number, at: number) {
        const part = bytes.subarray(offset, offset + Math.min(length, 3));
        file.set(part, at);
        return { bytesWritten: part.length, buffer: bytes };
      },
    };
    const chunks = [Buffer.from('abcde'), Buffer.from('fghij'), Buffer.from('klm')];
    expect(await writeChunksAt(fake as never, chunks, 2)).toBe(13);
    expect(Buffer.from(file.subarray(2, 15)).toString()).toBe('abcdefghijklm');
  });
});
