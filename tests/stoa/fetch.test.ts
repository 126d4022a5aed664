/**
 * Fetching: every signed file downloaded in parallel from the local lake (real Parquet written
 * with snappy, gzip, brotli, zstd and no compression), decoded, and put together in order-key
 * order as records or columns; a failing file is named with its key, never dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExpiredError,
  FormatError,
  isParkitError,
  NotFoundError,
  PermissionError,
  StoaFetchError,
  TransferError,
} from '../../src/index.js';
import { manualClock } from '../helpers/fixtures.js';
import { readings } from '../helpers/parquet.js';
import { PRODUCT, parquetFiles, restClient, stoaServer } from '../helpers/stoa.js';
import type { StoaServer } from '../servers/stoa.js';

const clock = manualClock();
let server: StoaServer;
const ROWS = 40;
const files = parquetFiles(10, ROWS, ['SNAPPY', 'GZIP', 'BROTLI', 'ZSTD', 'UNCOMPRESSED']);
const keys = Object.keys(files).sort();
const expected = readings(0, 10 * ROWS).map((row) => ({ ...row }));

beforeAll(async () => {
  server = await stoaServer({ now: () => clock.now().toMillis() });
  server.addDataset(PRODUCT, files);
});
afterAll(() => server.close());

describe('fetch', () => {
  it('decodes every codec and returns all rows in order-key order', async () => {
    const client = restClient(server, { ascending: true });
    const result = await client.fetch({ format: 'json' });
    expect(result.format).toBe('json');
    expect(result.rows).toEqual(expected);
    expect(result.failures).toEqual([]);
    expect(result.files.map((file) => file.key)).toEqual(keys);
    expect(result.files.every((file) => file.rows === ROWS && file.bytes === files[file.key]?.length)).toBe(
      true,
    );
  });

  it('returns columns on request', async () => {
    const client = restClient(server, { ascending: true });
    const result = await client.fetch({ format: 'columns', concurrency: 3 });
    expect(result.rowCount).toBe(10 * ROWS);
    expect(Object.keys(result.columns)).toEqual(['id', 'station', 'temperature', 'ok']);
    expect(result.columns.id).toEqual(expected.map((row) => row.id));
    expect(result.columns.station).toEqual(expected.map((row) => row.station));
    expect(result.columns.ok).toEqual(expected.map((row) => row.ok));
  });

  it('downloads with plain GETs: no bearer token goes to the lake', async () => {
    const client = restClient(server);
    const before = server.requests.length;
    await client.fetch({ format: 'json' });
    const downloads = server.requests.slice(before).filter((request) => request.path.startsWith('/lake/'));
    expect(downloads).toHaveLength(10);
    expect(
      downloads.every((request) => request.method === 'GET' && request.headers.authorization === undefined),
    ).toBe(true);
  });

  it('uses signed URLs it is given, without ordering again', async () => {
    const client = restClient(server, { ascending: true });
    const signed = await client.sign({ keys: keys.slice(2, 4) });
    const orders = server.stats.orders;
    const result = await client.fetch({ format: 'json', signed });
    expect(server.stats.orders).toBe(orders);
    expect(result.rows).toEqual(expected.slice(2 * ROWS, 4 * ROWS));
  });

  it('names the one failing file among many and keeps what succeeded with partial', async () => {
    const failing = keys[6] as string;
    server.failDownload(failing, 500);
    const client = restClient(server, { ascending: true });
    const error = await client.fetch({ format: 'json' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoaFetchError);
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
    const fetchError = error as StoaFetchError;
    expect(fetchError.total).toBe(10);
    expect(fetchError.failures.map((failure) => failure.key)).toEqual([failing]);
    expect(fetchError.failures[0]?.error).toBeInstanceOf(TransferError);
    expect(fetchError.message).toContain(`1 of 10 Stoa files failed: "${failing}"`);
    expect(fetchError.message).not.toContain('X-Amz-Signature');

    const partial = await client.fetch({ format: 'json', partial: true });
    expect(partial.failures.map((failure) => failure.key)).toEqual([failing]);
    expect(partial.files.map((file) => file.key)).toEqual(keys.filter((key) => key !== failing));
    expect(partial.rows).toEqual(expected.filter((row) => Math.floor(row.id / ROWS) !== 6));
    server.failDownload(failing, 0);
  });

  it('reports a connection broken mid-file as a TransferError for that key', async () => {
    const other = await stoaServer();
    try {
      other.addDataset(PRODUCT, {
        'a.parquet': files[keys[0] as string] as Uint8Array,
        'b.parquet': files[keys[1] as string] as Uint8Array,
      });
      other.truncateDownload('b.parquet');
      const result = await restClient(other, { ascending: true }).fetch({ format: 'json', partial: true });
      expect(result.rows).toEqual(expected.slice(0, ROWS));
      expect(result.failures.map((failure) => failure.key)).toEqual(['b.parquet']);
      expect(result.failures[0]?.error).toBeInstanceOf(TransferError);
    } finally {
      await other.close();
    }
  });

  it('reports expired signed URLs as refused downloads', async () => {
    const client = restClient(server);
    const signed = await client.sign({ keys: keys.slice(0, 3) });
    clock.advance(901); // the lake's clock passes X-Amz-Expires
    const error = (await client
      .fetch({ format: 'json', signed })
      .catch((caught: unknown) => caught)) as StoaFetchError;
    expect(error.failures).toHaveLength(3);
    for (const { error: why } of error.failures) expect(why).toBeInstanceOf(ExpiredError);
  });

  it('reports a stretched lifetime and a swapped key as refused, per file', async () => {
    const client = restClient(server, { ascending: true });
    const signed = await client.sign({ keys: keys.slice(0, 2) });
    const [first, second] = keys as [string, string];
    const tampered = {
      [first]: (signed[first] as string).replace(/X-Amz-Expires=900/, 'X-Amz-Expires=9000'),
      [second]: (signed[second] as string).replace(/\/lake\/[^?]+/, '/lake/missing.parquet'),
    };
    const result = await client.fetch({ format: 'columns', signed: tampered, partial: true });
    expect(result.rowCount).toBe(0);
    expect(result.failures.map((failure) => failure.error.constructor)).toEqual([
      PermissionError,
      PermissionError,
    ]);
  });

  it('reports a body that is not Parquet as a FormatError for that key', async () => {
    const other = await stoaServer();
    try {
      other.addDataset(PRODUCT, {
        'good.parquet': files[keys[0] as string] as Uint8Array,
        'notes.txt': new TextEncoder().encode('plain text, not parquet'),
      });
      const client = restClient(other, { ascending: true });
      const result = await client.fetch({ format: 'json', partial: true });
      expect(result.rows).toHaveLength(ROWS);
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]?.key).toBe('notes.txt');
      expect(result.failures[0]?.error).toBeInstanceOf(FormatError);
    } finally {
      await other.close();
    }
  });

  it('fails on an empty order before downloading anything', async () => {
    const client = restClient(server, { offset: 10, limit: 5, ascending: true });
    await expect(client.fetch({ format: 'json' })).rejects.toThrow(NotFoundError);
  });
});
