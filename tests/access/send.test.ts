/**
 * `send()`, the one HTTP path: retries (which failures, how many, how long), Retry-After, the
 * Par's expiry before every attempt, timeouts, replayable stream bodies, the platform client by
 * default and the caller's fetch when given — against a real loopback server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DialectContext } from '../../src/access/dialects/dialect.js';
import { replayable, send } from '../../src/access/http.js';
import type { AccessOptions } from '../../src/access/options.js';
import { ExpiredError, NotFoundError, PermissionError, TransferError } from '../../src/index.js';
import { platformFetch } from '../../src/platform/http-client.js';
import { manualClock } from '../helpers/fixtures.js';
import { fastRetries, objectPar } from './helpers.js';

type Handler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;
let server: Server;
let origin: string;
let handlers: Handler[] = [];
let seen: { method: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ method: request.method ?? '', headers: request.headers, body });
    const handler = handlers.shift() ?? ((_q, r) => r.end('ok'));
    handler(request, response, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  handlers = [];
  seen = [];
});

const status =
  (code: number, headers: Record<string, string> = {}): Handler =>
  (_request, response) =>
    void response.writeHead(code, headers).end('{"message":"from the test server"}');

async function contextFor(options: AccessOptions, fetch: typeof globalThis.fetch = platformFetch) {
  const par = await objectPar(`${origin}/object`);
  return { par, fetch, options } satisfies DialectContext;
}

describe('send() retries', () => {
  it('retries 503 and a network reset, then succeeds; counts nothing when all goes well', async () => {
    const options = fastRetries();
    handlers = [status(503), (request) => request.socket.resetAndDestroy(), (_q, r) => r.end('third time')];
    const response = await send(await contextFor(options), `${origin}/object`, {});
    expect(await response.text()).toBe('third time');
    expect(seen).toHaveLength(3);
    expect(options.delays).toHaveLength(2);
    // Full jitter: each wait is below base × 2^(n-1), capped at maxDelay.
    expect(options.delays[0]).toBeLessThan(1);
    expect(options.delays[1]).toBeLessThan(2);
  });

  it('gives up after retry.attempts with a TransferError carrying status and attempts', async () => {
    handlers = [status(502), status(502), status(502), status(502)];
    const error = await send(
      await contextFor(fastRetries()),
      `${origin}/object?X-Amz-Signature=s3cr3t`,
      {},
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransferError);
    expect(error).toMatchObject({ status: 502, attempts: 4 });
    expect(String((error as Error).message)).not.toContain('s3cr3t');
    expect(seen).toHaveLength(4);
  });

  it('never retries denied, missing or conflicting answers', async () => {
    for (const [code, type] of [
      [403, PermissionError],
      [404, NotFoundError],
    ] as const) {
      seen = [];
      handlers = [status(code)];
      await expect(send(await contextFor(fastRetries()), `${origin}/object`, {})).rejects.toBeInstanceOf(
        type,
      );
      expect(seen).toHaveLength(1);
    }
  });

  it('waits what Retry-After asks (seconds or a date), and refuses to wait longer than maxRetryAfter', async () => {
    const options = fastRetries();
    const date = new Date(Date.now() + 120_000).toUTCString();
    handlers = [
      status(429, { 'retry-after': '2' }),
      status(503, { 'retry-after': date }),
      (_q, r) => r.end('ok'),
    ];
    await send(
      await contextFor({ ...options, retry: { ...options.retry, maxRetryAfter: 300_000 } }),
      `${origin}/x`,
      {},
    );
    expect(options.delays[0]).toBe(2000);
    expect(options.delays[1]).toBeGreaterThan(110_000);
    expect(options.delays[1]).toBeLessThanOrEqual(120_000);

    seen = [];
    handlers = [status(429, { 'retry-after': '3600' })];
    const error = await send(await contextFor(fastRetries()), `${origin}/x`, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransferError', status: 429, attempts: 1 });
    expect(seen).toHaveLength(1);
  });

  it('does not repeat a POST, nor a stream body nobody can re-open', async () => {
    handlers = [status(503)];
    await expect(
      send(await contextFor(fastRetries()), `${origin}/x`, { method: 'POST', body: 'once' }),
    ).rejects.toMatchObject({ status: 503, attempts: 1 });
    handlers = [status(503)];
    const stream = new Response('streamed').body as ReadableStream<Uint8Array>;
    await expect(
      send(await contextFor(fastRetries()), `${origin}/x`, { method: 'PUT', body: stream }),
    ).rejects.toMatchObject({ status: 503, attempts: 1 });
    expect(seen.map((request) => request.method)).toEqual(['POST', 'PUT']);
  });

  it('replays a stream body that can be re-opened, and bytes bodies always', async () => {
    handlers = [status(500), (_q, r) => r.end('stored')];
    const open = () => new Response('file contents').body as ReadableStream<Uint8Array>;
    const response = await send(await contextFor(fastRetries()), `${origin}/x`, {
      method: 'PUT',
      body: replayable(open(), open),
    });
    expect(await response.text()).toBe('stored');
    expect(seen.map((request) => request.body.toString())).toEqual(['file contents', 'file contents']);
    seen = [];
    handlers = [status(500), (_q, r) => r.end('stored')];
    await send(await contextFor(fastRetries()), `${origin}/x`, {
      method: 'PUT',
      body: new Uint8Array([1, 2, 3]),
    });
    expect(seen.map((request) => [...request.body])).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });
});

describe('send() and the Par', () => {
  it('checks the expiry buffer before every attempt: a Par running out during retries is ExpiredError', async () => {
    const clock = manualClock(new Date().toISOString());
    const options = fastRetries({ now: clock.now });
    const context = await contextFor({
      ...options,
      retry: {
        ...options.retry,
        sleep: async () => {
          clock.advance(3600);
        },
      },
    });
    handlers = [status(503), status(503)];
    await expect(send(context, `${origin}/x`, {})).rejects.toBeInstanceOf(ExpiredError);
    expect(seen).toHaveLength(1);
  });

  it('does not sleep past the Par: a Retry-After beyond its validity is ExpiredError at once', async () => {
    const options = fastRetries();
    handlers = [status(503, { 'retry-after': String(3 * 3600) })];
    const context = await contextFor({
      ...options,
      retry: { ...options.retry, maxRetryAfter: 10 * 3600 * 1000 },
    });
    await expect(send(context, `${origin}/x`, {})).rejects.toBeInstanceOf(ExpiredError);
    expect(options.delays).toEqual([]);
  });

  it('turns a 403 into ExpiredError once the Par has expired', async () => {
    const clock = manualClock(new Date().toISOString());
    const context = await contextFor(fastRetries({ now: clock.now, buffer: 0 }));
    handlers = [
      (_q, response) => {
        clock.advance(7200);
        response.writeHead(403).end('<Error><Message>denied</Message></Error>');
      },
    ];
    await expect(send(context, `${origin}/x`, {})).rejects.toBeInstanceOf(ExpiredError);
  });
});

describe('send() transports', () => {
  it('times out a server that does not answer, retries, and says how many attempts were made', async () => {
    handlers = [() => undefined, () => undefined];
    const started = performance.now();
    const error = await send(
      await contextFor(fastRetries({ timeout: 100, retry: { attempts: 2 } })),
      `${origin}/x`,
      {},
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransferError);
    expect(error).toMatchObject({ attempts: 2 });
    expect((error as Error).message).toMatch(/no progress for 100 ms/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('never puts the signed URL in a timeout or network error', async () => {
    handlers = [() => undefined, (request) => request.socket.resetAndDestroy()];
    const url = `${origin}/object?X-Amz-Signature=deadbeefcafe`;
    const context = await contextFor(fastRetries({ timeout: 100, retry: { attempts: 1 } }));
    for (const error of [
      await send(context, url, {}).catch((e: unknown) => e),
      await send(context, url, {}).catch((e: unknown) => e),
    ]) {
      expect(error).toBeInstanceOf(TransferError);
      const shown = `${String(error)} ${JSON.stringify(error)} ${JSON.stringify((error as TransferError).context)} ${String((error as Error).cause)}`;
      expect(shown).not.toContain('deadbeefcafe');
      expect((error as TransferError).url).toBe(`${origin}/object?…`);
    }
  });

  it('times out with a caller-given fetch too', async () => {
    handlers = [() => undefined];
    const error = await send(
      await contextFor(fastRetries({ timeout: 100, retry: { attempts: 1 } }), globalThis.fetch),
      `${origin}/x`,
      {},
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransferError', attempts: 1 });
  });

  it('uses node:http by default and the caller’s fetch when given (retries included)', async () => {
    await (await send(await contextFor(fastRetries()), `${origin}/x`, {})).text();
    expect(seen[0]?.headers['user-agent']).toBeUndefined();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return globalThis.fetch(input, init);
    };
    handlers = [status(503), (_q, r) => r.end('ok')];
    await (await send(await contextFor(fastRetries(), counting), `${origin}/x`, {})).text();
    expect(calls).toBe(2);
    expect(seen[1]?.headers['user-agent']).toBeDefined();
  });

  it('keeps the original signature: an accept list of statuses that are answers', async () => {
    handlers = [status(304)];
    const response = await send(await contextFor(fastRetries()), `${origin}/x`, {}, [304]);
    expect(response.status).toBe(304);
  });

  it('stops at once when the signal aborts, even mid-backoff', async () => {
    const controller = new AbortController();
    handlers = [status(503)];
    const context = await contextFor({
      retry: {
        sleep: async () => {
          controller.abort(new Error('stop'));
        },
      },
    });
    await expect(send(context, `${origin}/x`, { signal: controller.signal })).rejects.toThrow('stop');
    expect(seen).toHaveLength(1);
  });
});
