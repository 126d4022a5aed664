/**
 * Ordering and signing against the local Stoa server: the exact query the Python client sends
 * (booleans as `True`/`False`), paging, the service's 403 and 422 as typed errors, an empty
 * order as an error, and parallel signing within its concurrency limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, NotFoundError, RemoteServiceError } from '../../src/index.js';
import { PRODUCT, parquetFiles, restClient, stoaServer } from '../helpers/stoa.js';
import type { StoaServer } from '../servers/stoa.js';

let server: StoaServer;
const files = parquetFiles(45, 5);
const keys = Object.keys(files).sort();
const SECRET_PRODUCT = { ...PRODUCT, productName: 'salaries' };

beforeAll(async () => {
  server = await stoaServer();
  server.addDataset(PRODUCT, files);
  server.addDataset(SECRET_PRODUCT, { 'salaries-1.parquet': files[keys[0] as string] as Uint8Array }, [
    'someone-else@example.com',
  ]);
});
afterAll(() => server.close());

describe('order', () => {
  it('sends the eight parameters as ds-stoa does and returns the newest keys first', async () => {
    const client = restClient(server);
    const page = await client.order();
    expect(page).toEqual([...keys].reverse().slice(0, 20));
    const sent = server.requests.findLast((request) => request.path.endsWith('/order/'));
    expect(sent?.query).toEqual({
      product_group_name: 'weather',
      product_name: 'observations',
      workspace: 'apps',
      owner_id: 'team-42',
      version: '1.0',
      offset: '0',
      limit: '20',
      ascending: 'False',
    });
  });

  it('pages with offset, limit and ascending (sent as True)', async () => {
    const client = restClient(server, { ascending: true, limit: 20 });
    const pages = [
      await client.order(),
      await client.order({ offset: 20 }),
      await client.order({ offset: 40 }),
    ];
    expect(pages.flat()).toEqual(keys);
    expect(server.requests.findLast((request) => request.path.endsWith('/order/'))?.query.ascending).toBe(
      'True',
    );
    expect(await client.order({ offset: 3, limit: 2, ascending: false })).toEqual(
      [...keys].reverse().slice(3, 5),
    );
  });

  it('treats an empty order as an error', async () => {
    const client = restClient(server);
    await expect(client.order({ offset: 45 })).rejects.toThrow(NotFoundError);
    const other = restClient(server, { productName: 'no-such-product' });
    const error = await other.order().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toMatch(/no files for product "no-such-product" at offset 0/);
  });

  it('reports a missing entitlement as a 403 RemoteServiceError', async () => {
    const client = restClient(server, { productName: 'salaries' });
    const error = (await client.order().catch((caught: unknown) => caught)) as RemoteServiceError;
    expect(error).toBeInstanceOf(RemoteServiceError);
    expect(error.status).toBe(403);
    expect(error.method).toBe('GET');
    expect(error.serviceMessage).toBe('You do not have permission to perform this action.');
    expect(error.message).toContain('Stoa order was refused (403 GET');
  });

  it('reports parameters the service rejects as a 422 with its message', async () => {
    const client = restClient(server, { version: 'latest' });
    const error = (await client.order().catch((caught: unknown) => caught)) as RemoteServiceError;
    expect(error).toBeInstanceOf(RemoteServiceError);
    expect(error.status).toBe(422);
    expect(error.serviceMessage).toBe('must look like 1.0');
    expect(error.url).toBe(`${server.base}/api/stoa-dev/v2/order/?…`);
    expect(error.context).toMatchObject({ status: 422, method: 'GET' });
  });

  it('rejects a reply that is not a list of keys', async () => {
    const client = restClient(server, {
      fetch: async (input: RequestInfo | URL) =>
        String(input).includes('login')
          ? Response.json({ access_token: 'abc' })
          : Response.json({ keys: ['a'] }),
    });
    await expect(client.order()).rejects.toThrow(FormatError);
  });
});

describe('sign', () => {
  it('returns one pre-signed URL per key, keyed by the order key', async () => {
    const client = restClient(server);
    const page = await client.order({ limit: 5 });
    const signed = await client.sign({ keys: page });
    expect(Object.keys(signed)).toEqual(page);
    for (const [key, url] of Object.entries(signed)) {
      const parsed = new URL(url);
      expect(parsed.pathname).toBe(`/lake/${encodeURIComponent(key)}`);
      expect(parsed.searchParams.get('X-Amz-Expires')).toBe('900');
      expect(parsed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    }
    const sent = server.requests.filter((request) => request.path.endsWith('/sign/')).slice(-5);
    expect(
      sent.map((request) => request.query).sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '')),
    ).toEqual([...page].sort().map((key) => ({ key })));
  });

  it('orders first when no keys are given', async () => {
    const client = restClient(server, { limit: 3 });
    expect(Object.keys(await client.sign())).toEqual([...keys].reverse().slice(0, 3));
  });

  it('keeps at most `concurrency` sign requests in flight, and uses them all', async () => {
    const client = restClient(server);
    await client.authenticate();
    server.stats.maxSignsInFlight = 0;
    server.gateSigns(4);
    try {
      const signed = await client.sign({ keys: keys.slice(0, 12), concurrency: 4 });
      expect(Object.keys(signed)).toHaveLength(12);
      expect(server.stats.maxSignsInFlight).toBe(4);
    } finally {
      server.gateSigns(0);
    }
  });

  it('names the key the service refuses to sign', async () => {
    const client = restClient(server);
    const error = (await client
      .sign({ keys: [keys[0] as string, 'salaries-1.parquet'] })
      .catch((caught: unknown) => caught)) as RemoteServiceError;
    expect(error.status).toBe(403);
    expect(error.message).toContain('Stoa sign "salaries-1.parquet" was refused');
    const unknown = (await client
      .sign({ keys: ['nope.parquet'] })
      .catch((caught: unknown) => caught)) as RemoteServiceError;
    expect(unknown.status).toBe(404);
  });

  it('treats a reply without url as a FormatError', async () => {
    server.omitUrl(keys[1] as string);
    const client = restClient(server);
    const error = (await client
      .sign({ keys: [keys[1] as string] })
      .catch((caught: unknown) => caught)) as FormatError;
    expect(error).toBeInstanceOf(FormatError);
    expect(error.field).toBe('url');
  });
});
