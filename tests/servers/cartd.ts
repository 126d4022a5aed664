/**
 * A local cartd-compatible server for tests, following PROTOCOLS.md §5 (read from
 * pacifica/pacifica-cartd `pacifica/cartd/rest.py` and pacifica/pacifica-python-downloader):
 *
 * - `POST /{uid}` JSON `{"fileids": [{id, path, hashtype, hashsum}]}` → 201 `{"message": …}`
 *   (400 for a body that does not follow the schema);
 * - `HEAD /{uid}` → 204 with `X-Pacifica-Status` (`staging` for the first `stagingPolls` polls,
 *   then `ready`) and `X-Pacifica-Message`; unknown cart 404; cart in error 500;
 * - `GET /{uid}?filename=NAME` → 202 while not ready, else a streamed tar whose top folder is
 *   NAME (without `.tar`), sent in small chunks;
 * - `DELETE /{uid}` → 200, unknown 404.
 *
 * A cart whose files the archive does not hold goes to `error`, as cartd's staging task would.
 * Pacifica cartd has no server that runs here, so this is a protocol double (DESIGN.md decision 7).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTar, type TarInput } from '../helpers/tar.js';

/** One file of a cart request. */
export interface CartRequestFile {
  id: string | number;
  path: string;
  hashtype: string;
  hashsum: string;
}

interface Cart {
  files: CartRequestFile[];
  polls: number;
  error?: string;
}

/** How the server behaves. */
export interface CartdOptions {
  /** The archive: file id → content. */
  archive: Map<string | number, Uint8Array | string>;
  /** HEAD polls answered `staging` before `ready` (default 0). */
  stagingPolls?: number;
  /** Replace the tar entries the server would send (hostile archives). */
  entries?: (name: string, normal: TarInput[]) => TarInput[];
}

/** A running server. */
export interface CartdServer {
  readonly url: string;
  readonly options: CartdOptions;
  /** Every request, in order: `METHOD /path`. */
  readonly requests: string[];
  /** The carts, by uid. */
  readonly carts: Map<string, Cart>;
  close(): Promise<void>;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function validFiles(value: unknown): value is { fileids: CartRequestFile[] } {
  if (typeof value !== 'object' || value === null) return false;
  const fileids = (value as { fileids?: unknown }).fileids;
  return (
    Array.isArray(fileids) &&
    fileids.every(
      (file) =>
        typeof file === 'object' &&
        file !== null &&
        ['string', 'number'].includes(typeof file.id) &&
        typeof file.path === 'string' &&
        typeof file.hashtype === 'string' &&
        typeof file.hashsum === 'string',
    )
  );
}

/**
 * Start the server on an ephemeral loopback port.
 *
 * @param options - archive contents and behaviour
 */
export async function startCartd(options: CartdOptions): Promise<CartdServer> {
  const carts = new Map<string, Cart>();
  const requests: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://cartd');
    requests.push(`${request.method} ${url.pathname}`);
    const uid = url.pathname.slice(1);
    const cart = carts.get(uid);
    if (request.method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await body(request));
      } catch {
        return json(response, 400, { message: 'invalid JSON' });
      }
      if (!validFiles(parsed)) return json(response, 400, { message: 'fileids do not follow the schema' });
      const missing = parsed.fileids.find((file) => !options.archive.has(file.id));
      carts.set(uid, {
        files: parsed.fileids,
        polls: 0,
        ...(missing === undefined ? {} : { error: `file id ${missing.id} is not in the archive` }),
      });
      return json(response, 201, { message: 'Cart Processing has begun' });
    }
    if (request.method === 'HEAD') {
      if (cart === undefined) {
        response.writeHead(404, {
          'x-pacifica-status': 'error',
          'x-pacifica-message': `No cart with uid ${uid} found`,
        });
        return response.end();
      }
      if (cart.error !== undefined) {
        response.writeHead(500, { 'x-pacifica-status': 'error', 'x-pacifica-message': cart.error });
        return response.end();
      }
      cart.polls++;
      const ready = cart.polls > (options.stagingPolls ?? 0);
      response.writeHead(204, {
        'x-pacifica-status': ready ? 'ready' : 'staging',
        'x-pacifica-message': ready ? '' : 'staging files from the archive',
      });
      return response.end();
    }
    if (request.method === 'GET') {
      if (cart === undefined)
        return json(response, 404, { message: 'The cart does not exist or has already been deleted' });
      if (cart.error !== undefined || cart.polls <= (options.stagingPolls ?? 0)) {
        response.writeHead(202);
        return response.end('The cart is not ready for download.');
      }
      const name = (url.searchParams.get('filename') ?? 'data').replace('.tar', '');
      const normal: TarInput[] = [
        { path: `${name}/`, type: 'directory' },
        ...cart.files.map((file) => ({
          path: `${name}/${file.path}`,
          content: options.archive.get(file.id) as Uint8Array | string,
        })),
      ];
      const tar = makeTar(options.entries?.(name, normal) ?? normal);
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename=${name}.tar`,
      });
      // Stream in small chunks, as cartd does from its pipe.
      for (let at = 0; at < tar.length; at += 4096) response.write(tar.subarray(at, at + 4096));
      return response.end();
    }
    if (request.method === 'DELETE') {
      if (cart === undefined) return json(response, 404, { message: 'Not Found' });
      carts.delete(uid);
      return json(response, 200, { message: 'Cart Deleted Successfully' });
    }
    json(response, 405, { message: 'method not allowed' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    options,
    requests,
    carts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
