/**
 * Stoa errors: the service's message is kept (Django REST, FastAPI and OAuth2 shapes) but any
 * secret it echoes is removed; URLs are redacted; broken Parquet is a FormatError; a fetch with
 * many failures lists the first few keys and counts the rest.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, RemoteServiceError, StoaFetchError, TransferError } from '../../src/index.js';
import { decodeColumns, decodeRows } from '../../src/stoa/parquet.js';
import { readings, writeReadings } from '../helpers/parquet.js';
import { PASSWORD, restClient } from '../helpers/stoa.js';
import type { StoaServer } from '../servers/stoa.js';

let echo: Server;
let urls: StoaServer['urls'];
const replies: Record<string, [number, string, string]> = {};

beforeAll(async () => {
  // A misbehaving service that echoes what it was sent into its error messages.
  echo = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const [status, type, text] = replies[path] ?? [
        200,
        'application/json',
        '{"access_token":"tok-0123456789"}',
      ];
      response.writeHead(status, { 'content-type': type });
      response.end(
        text
          .replace('$BODY', body.replace(/"/g, "'"))
          .replace('$AUTH', String(request.headers.authorization)),
      );
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  urls = { login: `${base}/login/`, token: `${base}/token/`, order: `${base}/order/`, sign: `${base}/sign/` };
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

describe('service messages', () => {
  it('keep what the service said but none of the secrets it echoes', async () => {
    replies['/login/'] = [401, 'application/json', '{"non_field_errors":["no user matches $BODY"]}'];
    const error = (await restClient({ urls } as StoaServer)
      .authenticate()
      .catch((e: unknown) => e)) as RemoteServiceError;
    expect(error).toBeInstanceOf(RemoteServiceError);
    expect(error.serviceMessage).toContain('no user matches');
    expect(error.serviceMessage).toContain('analyst@example.com');
    for (const text of [
      error.message,
      error.serviceMessage ?? '',
      inspect(error, { showHidden: true }),
      JSON.stringify(error.context),
    ])
      expect(text).not.toContain(PASSWORD);
    delete replies['/login/'];
  });

  it('never repeat the bearer token, and read FastAPI detail lists', async () => {
    replies['/order/'] = [
      422,
      'application/json',
      '{"detail":[{"loc":["query","x"],"msg":"token $AUTH is odd","type":"value_error"}]}',
    ];
    const error = (await restClient({ urls } as StoaServer)
      .order()
      .catch((e: unknown) => e)) as RemoteServiceError;
    expect(error.status).toBe(422);
    expect(error.serviceMessage).toBe('token Bearer … is odd');
    expect(error.message).not.toContain('tok-0123456789');
    expect(error.url).toBe(`${urls.order}?…`);
    delete replies['/order/'];
  });

  it('ignore HTML error pages and report bodies that are not JSON', async () => {
    replies['/order/'] = [502, 'text/html', '<html><body>Bad Gateway</body></html>'];
    const gateway = (await restClient({ urls } as StoaServer)
      .order()
      .catch((e: unknown) => e)) as RemoteServiceError;
    expect(gateway.status).toBe(502);
    expect(gateway.serviceMessage).toBeUndefined();
    replies['/order/'] = [200, 'text/plain', 'https://lake.example/k?X-Amz-Signature=deadbeef'];
    const garbled = await restClient({ urls } as StoaServer)
      .order()
      .catch((e: unknown) => e);
    expect(garbled).toBeInstanceOf(FormatError);
    expect(inspect(garbled, { showHidden: true })).not.toContain('deadbeef');
    delete replies['/order/'];
  });

  it('turn an unreachable service into a TransferError and a slow one into a timeout', async () => {
    const unreachable = await restClient({
      urls: { ...urls, login: 'http://127.0.0.1:9/login/' },
    } as StoaServer)
      .authenticate()
      .catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(TransferError);
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const slow = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/login/`;
    const timedOut = await restClient({ urls: { ...urls, login: slow } } as StoaServer, { timeout: 200 })
      .authenticate()
      .catch((e: unknown) => e);
    hanging.closeAllConnections();
    hanging.close();
    expect(timedOut).toBeInstanceOf(TransferError);
    expect((timedOut as Error).message).toMatch(/timed out after 200 ms/);
  });

  it('let the caller cancel', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      restClient({ urls } as StoaServer).authenticate({ signal: controller.signal }),
    ).rejects.toThrow('stop');
  });
});

describe('Parquet decoding', () => {
  it('refuses bytes that are not Parquet, or a damaged file', async () => {
    const text = new TextEncoder().encode('hello, world, not parquet');
    await expect(decodeRows(text)).rejects.toThrow(/no PAR1 magic/);
    await expect(decodeColumns(text)).rejects.toThrow(/no PAR1 magic/);
    const file = writeReadings(readings(0, 50), 'SNAPPY');
    const damaged = file.slice();
    damaged.fill(0xff, 8, file.length - 8);
    await expect(decodeRows(damaged)).rejects.toThrow(FormatError);
    await expect(decodeColumns(damaged)).rejects.toThrow(FormatError);
  });

  it('refuses a column named __proto__ instead of building records with it', async () => {
    const hostile = parquetWriteBuffer({ columnData: [{ name: '__proto__', data: [1, 2], type: 'INT32' }] });
    await expect(decodeRows(hostile)).rejects.toThrow(/__proto__/);
  });

  it('decodes a view into a larger buffer', async () => {
    const file = writeReadings(readings(0, 20), 'GZIP');
    const padded = new Uint8Array(file.length + 10);
    padded.set(file, 5);
    const { columns, rowCount, names } = await decodeColumns(padded.subarray(5, 5 + file.length));
    expect(rowCount).toBe(20);
    expect(names).toEqual(['id', 'station', 'temperature', 'ok']);
    expect(columns.get('temperature')).toEqual(readings(0, 20).map((row) => row.temperature));
  });
});

describe('StoaFetchError', () => {
  it('lists the first five keys and counts the rest', () => {
    const failures = Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, error: new Error(`e${i}`) }));
    const error = new StoaFetchError(failures, 20);
    expect(error.message).toBe(
      '8 of 20 Stoa files failed: "k0" (e0); "k1" (e1); "k2" (e2); "k3" (e3); "k4" (e4); and 3 more',
    );
    expect(error.context).toMatchObject({ failed: 8, total: 20 });
    expect(error.name).toBe('StoaFetchError');
  });
});
