/**
 * A loopback HTTP object store for CLI and Downloader tests: `GET`/`HEAD`/`PUT`/`DELETE` on
 * `/o/<key>`, requiring a `sig` query parameter (as a pre-signed URL carries a signature),
 * reporting `x-checksum-sha256` when asked, and optionally sending bodies slowly (for progress).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running store. */
export interface HttpStore {
  readonly base: string;
  readonly objects: Map<string, Buffer>;
  /** The URL of a key, with the signature that the store checks. */
  url(key: string): string;
  /** Report this (possibly wrong) SHA-256 for a key instead of the real one. */
  lies: Map<string, string>;
  /** Milliseconds between 64 KiB chunks of a GET body. */
  delay: number;
  requests: string[];
  close(): Promise<void>;
}

/** The signature the store accepts. */
export const SIGNATURE = 'sig-5e3b7f0a9c2d41e8b6a4';

/**
 * Start a store on an ephemeral loopback port.
 *
 * @param options - whether to report SHA-256 checksums
 */
export async function startHttpStore(options: { checksums?: boolean } = {}): Promise<HttpStore> {
  const objects = new Map<string, Buffer>();
  const store = { objects, lies: new Map<string, string>(), delay: 0, requests: [] as string[] } as HttpStore;
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://store');
    store.requests.push(`${request.method} ${url.pathname}`);
    if (url.searchParams.get('sig') !== SIGNATURE) {
      response.writeHead(403, { 'content-type': 'application/xml' });
      return response.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    }
    const key = decodeURIComponent(url.pathname.replace(/^\/o\//, ''));
    if (request.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      objects.set(key, body);
      response.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      return response.end();
    }
    const body = objects.get(key);
    if (body === undefined) {
      response.writeHead(404);
      return response.end('<Error><Code>NoSuchKey</Code></Error>');
    }
    if (request.method === 'DELETE') {
      objects.delete(key);
      response.writeHead(204);
      return response.end();
    }
    const headers: Record<string, string> = {
      'content-length': String(body.length),
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      'last-modified': new Date(1_700_000_000_000).toUTCString(),
    };
    if (options.checksums)
      headers['x-checksum-sha256'] = store.lies.get(key) ?? createHash('sha256').update(body).digest('hex');
    response.writeHead(200, headers);
    if (request.method === 'HEAD') return response.end();
    for (let at = 0; at < body.length; at += 65_536) {
      if (store.delay > 0) await new Promise((resolve) => setTimeout(resolve, store.delay));
      if (!response.write(body.subarray(at, at + 65_536)))
        await new Promise((resolve) => response.once('drain', resolve));
    }
    return response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  store.url = (key) => `${base}/o/${encodeURIComponent(key)}?X-Amz-Date=20260101T000000Z&sig=${SIGNATURE}`;
  (store as { base: string }).base = base;
  store.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return store;
}
