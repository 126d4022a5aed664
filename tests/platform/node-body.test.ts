/**
 * The node:http client's answers (src/platform/node-http.ts, node-response.ts, node-body.ts) and
 * the native body reader (src/platform/body-chunks.ts), against a real loopback server: bytes in
 * batches, held bytes bounded, breaks reported after the bytes that came, connections kept or
 * dropped as they should be, the web stream and the native reader never both reading, and the
 * Response methods working on a body that is only made on demand.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BodyChunks, bodyChunks, nativeChunks } from '../../src/platform/body-chunks.js';
import { nodeHttp } from '../../src/platform/node-http.js';
import { NodeResponse } from '../../src/platform/node-response.js';

const big = randomBytes(8 * 1024 * 1024 + 5);
const small = randomBytes(4096);
const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/small': (_q, r) => r.writeHead(200, { 'content-length': small.length, etag: '"s"' }).end(small),
  '/big': (_q, r) => r.writeHead(200, { 'content-length': big.length }).end(big),
  '/json': (_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"a":[1,2]}'),
  '/short': (_q, r) => {
    r.writeHead(200, { 'content-length': 1000 });
    r.write(small.subarray(0, 500), () => setTimeout(() => r.socket?.destroy(), 20));
  },
  '/reset': (_q, r) => {
    r.writeHead(200, { 'content-length': small.length });
    r.write(small.subarray(0, 1000), () => setTimeout(() => r.socket?.resetAndDestroy(), 20));
  },
  '/slow': (_q, r) => {
    r.writeHead(200, { 'content-length': 10 });
    r.write('12345');
  },
};
let server: Server;
let origin: string;
const sockets = new Set<Socket>();
const closed: Socket[] = [];

beforeAll(async () => {
  server = createServer((request, response) => routes[request.url ?? '']?.(request, response));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => closed.push(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function get(path: string, signal?: AbortSignal): Promise<Response> {
  return nodeHttp.request(`${origin}${path}`, {
    method: 'GET',
    headers: new Headers(),
    signal,
    timeout: 2000,
  });
}

async function drain(body: BodyChunks): Promise<{ bytes: Buffer; batches: number[] }> {
  const batches: number[] = [];
  const parts: Uint8Array[] = [];
  for (;;) {
    const batch = await body.next();
    if (batch === undefined) return { bytes: Buffer.concat(parts), batches };
    batches.push(batch.reduce((sum, chunk) => sum + chunk.length, 0));
    parts.push(...batch);
  }
}

describe('native body reading', () => {
  it('hands over every byte in batches of plain Uint8Arrays, then ends', async () => {
    const response = await get('/big');
    const body = bodyChunks(response);
    const first = await body.next();
    expect(first?.every((chunk) => chunk.constructor === Uint8Array)).toBe(true);
    const rest = await drain(body);
    expect(Buffer.concat([...(first ?? []), rest.bytes]).equals(big)).toBe(true);
    expect(await body.next()).toBeUndefined();
  });

  it('holds at most about 512 KiB while the reader is away (the socket is paused)', async () => {
    const response = await get('/big');
    const body = bodyChunks(response);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const batch = (await body.next()) ?? [];
    const held = batch.reduce((sum, chunk) => sum + chunk.length, 0);
    expect(held).toBeGreaterThanOrEqual(512 * 1024);
    expect(held).toBeLessThanOrEqual(512 * 1024 + 65536);
    expect(Buffer.concat([...batch, (await drain(body)).bytes]).equals(big)).toBe(true);
  });

  it('reports a body cut short under its Content-Length after the bytes that came', async () => {
    const body = bodyChunks(await get('/short'));
    const got: Uint8Array[] = [];
    const error = await (async () => {
      for (;;) {
        const batch = await body.next();
        if (batch === undefined) return undefined;
        got.push(...batch);
      }
    })().catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('ECONNRESET');
    expect(Buffer.concat(got).equals(small.subarray(0, 500))).toBe(true);
  });

  it('reports a reset mid-body as a break with a code', async () => {
    const error = await drain(bodyChunks(await get('/reset'))).catch((e: unknown) => e);
    expect(typeof (error as { code?: string }).code).toBe('string');
  });

  it('keeps the connection for the next request after a body read to its end', async () => {
    await drain(bodyChunks(await get('/small')));
    const before = sockets.size;
    const body = bodyChunks(await get('/small'));
    expect((await drain(body)).bytes.equals(small)).toBe(true);
    body.cancel(); // after the end: nothing to drop
    expect((await drain(bodyChunks(await get('/small')))).bytes.equals(small)).toBe(true);
    expect(sockets.size).toBe(before);
  });

  it('drops the connection when cancelled mid-body', async () => {
    const body = bodyChunks(await get('/big'));
    await body.next();
    const count = closed.length;
    body.cancel();
    expect(await body.next()).toBeUndefined();
    await expect.poll(() => closed.length).toBeGreaterThan(count);
  });

  it('stops at once when the signal aborts mid-body', async () => {
    const controller = new AbortController();
    const body = bodyChunks(await get('/slow', controller.signal));
    expect(Buffer.concat((await body.next()) ?? []).toString()).toBe('12345');
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(body.next()).rejects.toBeDefined();
  });

  it('rejects with the signal’s reason when it aborted before the request', async () => {
    const reason = new Error('already');
    await expect(get('/small', AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});

describe('one reader only', () => {
  it('reads natively without ever making the web stream', async () => {
    const response = await get('/small');
    expect(response).toBeInstanceOf(NodeResponse);
    const native = (response as unknown as { [nativeChunks](): BodyChunks | undefined })[nativeChunks]();
    expect(native).toBeDefined();
    // Claimed once: a second claim, or the web stream, gets nothing.
    expect(
      (response as unknown as { [nativeChunks](): BodyChunks | undefined })[nativeChunks](),
    ).toBeUndefined();
    await expect((response.body as ReadableStream<Uint8Array>).getReader().read()).rejects.toThrow(TypeError);
    expect((await drain(native as BodyChunks)).bytes.equals(small)).toBe(true);
  });

  it('after the web stream has been read, goes on through it without losing a byte', async () => {
    const response = await get('/big');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    reader.releaseLock();
    const rest = await drain(bodyChunks(response));
    expect(Buffer.concat([first.value as Uint8Array, rest.bytes]).equals(big)).toBe(true);
    expect(rest.batches.length).toBeGreaterThan(1);
  });

  it('refuses a body whose stream another reader holds', async () => {
    const response = await get('/small');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(() => bodyChunks(response)).toThrow(TypeError);
    await reader.cancel();
  });

  it('reads any other body from its web stream', async () => {
    const response = new Response(new Blob([small]).stream());
    expect((await drain(bodyChunks(response))).bytes.equals(small)).toBe(true);
    expect((await drain(bodyChunks(new Response(null)))).bytes.length).toBe(0);
  });
});

describe('the Response', () => {
  it('has the status, status text and headers, and every body method works', async () => {
    const response = await get('/json');
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.statusText).toBe('OK');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.bodyUsed).toBe(false);
    expect(await response.clone().text()).toBe('{"a":[1,2]}');
    expect(await response.json()).toEqual({ a: [1, 2] });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(Buffer.from(await (await get('/small')).arrayBuffer()).equals(small)).toBe(true);
    expect(Buffer.from(await (await (await get('/small')).blob()).arrayBuffer()).equals(small)).toBe(true);
  });

  it('gives HEAD answers an empty body and keeps their headers', async () => {
    const response = await nodeHttp.request(`${origin}/small`, {
      method: 'HEAD',
      headers: new Headers(),
      timeout: 2000,
    });
    expect(response.body).toBeNull();
    expect(response.headers.get('etag')).toBe('"s"');
  });
});
