/**
 * A small real HTTP object store on loopback, serving a directory: GET/HEAD (Range, If-Range,
 * strong ETags, `x-checksum-sha256` and `Content-MD5` headers), PUT (streamed to a temporary
 * file, renamed when complete, discarded when the connection breaks), DELETE, a JSON directory
 * index for URLs ending in `/` (the nginx `autoindex_format json` shape the https dialect reads),
 * and a simple protocol for uploads in parts:
 *
 * - `POST /key?uploads` → `{"uploadId"}`
 * - `PUT /key?uploadId=U&partNumber=N` → part stored, `ETag` = MD5 of the part
 * - `POST /key?uploadId=U` with `{"parts":[{"partNumber","etag"}]}` → object assembled
 * - `DELETE /key?uploadId=U` → upload dropped
 *
 * A `nochecksum` query parameter on a GET hides the checksum headers.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

/** A running store. */
export interface ObjectStore {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** The directory served. */
  readonly root: string;
  /** Uploads in parts begun and neither completed nor aborted. */
  openUploads(): string[];
  /** Every request seen: method, path with query, and the Range header. */
  readonly log: { method: string; url: string; range?: string }[];
  close(): Promise<void>;
}

interface Digest {
  readonly size: number;
  readonly mtime: number;
  readonly sha256: string;
  readonly md5: string;
}

async function digestOf(path: string, cache: Map<string, Digest>): Promise<Digest> {
  const info = await stat(path);
  const known = cache.get(path);
  if (known !== undefined && known.size === info.size && known.mtime === info.mtimeMs) return known;
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path)) {
    sha.update(chunk as Buffer);
    md5.update(chunk as Buffer);
  }
  const digest = {
    size: info.size,
    mtime: info.mtimeMs,
    sha256: sha.digest('hex'),
    md5: md5.digest('base64'),
  };
  cache.set(path, digest);
  return digest;
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Start a store serving `root` on an ephemeral loopback port.
 *
 * @param root - the directory (created if missing)
 */
export async function startObjectStore(root: string): Promise<ObjectStore> {
  await mkdir(root, { recursive: true });
  const parts = join(root, '..', `.parts-${randomUUID()}`);
  await mkdir(parts, { recursive: true });
  const cache = new Map<string, Digest>();
  const uploads = new Set<string>();
  const log: ObjectStore['log'] = [];

  const fileOf = (pathname: string) => join(root, ...decodeURIComponent(pathname).split('/').filter(Boolean));

  const index = async (response: ServerResponse, path: string) => {
    let names: string[];
    try {
      names = (await readdir(path)).filter((name) => !name.startsWith('.')).sort();
    } catch {
      response.writeHead(404).end();
      return;
    }
    const entries = [];
    for (const name of names) {
      const info = await stat(join(path, name));
      entries.push(
        info.isDirectory()
          ? { name, type: 'directory', mtime: info.mtime.toUTCString() }
          : { name, type: 'file', mtime: info.mtime.toUTCString(), size: info.size },
      );
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(entries));
  };

  const get = async (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    checksums: boolean,
  ) => {
    let digest: Digest;
    try {
      digest = await digestOf(path, cache);
    } catch {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no such object"}');
      return;
    }
    const etag = `"${digest.sha256.slice(0, 16)}"`;
    const headers: Record<string, string> = {
      etag,
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      ...(checksums ? { 'x-checksum-sha256': digest.sha256 } : {}),
      'last-modified': new Date(digest.mtime).toUTCString(),
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const ifRange = request.headers['if-range'];
    if (range !== null && (ifRange === undefined || ifRange === etag)) {
      const start = Number(range[1]);
      const end = range[2] === '' ? digest.size - 1 : Math.min(Number(range[2]), digest.size - 1);
      if (start >= digest.size || end < start) {
        response.writeHead(416, { 'content-range': `bytes */${digest.size}` }).end();
        return;
      }
      response.writeHead(206, {
        ...headers,
        'content-length': String(end - start + 1),
        'content-range': `bytes ${start}-${end}/${digest.size}`,
      });
      if (request.method === 'HEAD') return void response.end();
      createReadStream(path, { start, end }).pipe(response);
      return;
    }
    response.writeHead(200, {
      ...headers,
      'content-length': String(digest.size),
      ...(checksums ? { 'content-md5': digest.md5 } : {}),
    });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(path).pipe(response);
  };

  const put = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.upload-${randomUUID()}`);
    const out = createWriteStream(temporary);
    let received = 0;
    const ok = await new Promise<boolean>((resolve) => {
      request.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (!out.write(chunk)) {
          request.pause();
          out.once('drain', () => request.resume());
        }
      });
      request.on('end', () => resolve(true));
      request.on('aborted', () => resolve(false));
      request.on('error', () => resolve(false));
      request.on('close', () => resolve(request.complete));
    });
    await new Promise((resolve) => out.end(resolve));
    const expected = request.headers['content-length'];
    if (!ok || (expected !== undefined && Number(expected) !== received)) {
      await unlink(temporary).catch(() => undefined);
      if (!response.destroyed) response.writeHead(400).end();
      return;
    }
    await rename(temporary, path);
    const digest = await digestOf(path, cache);
    response.writeHead(201, { etag: `"${digest.sha256.slice(0, 16)}"` }).end();
  };

  const multipart = async (request: IncomingMessage, response: ServerResponse, url: URL, path: string) => {
    const id = url.searchParams.get('uploadId');
    if (request.method === 'POST' && url.searchParams.has('uploads')) {
      const upload = randomUUID();
      uploads.add(upload);
      await mkdir(join(parts, upload));
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ uploadId: upload }));
      return;
    }
    if (id === null || !uploads.has(id)) {
      await body(request);
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no such upload"}');
      return;
    }
    if (request.method === 'PUT') {
      const number = Number(url.searchParams.get('partNumber'));
      const bytes = await body(request);
      const expected = request.headers['content-length'];
      if (!request.complete || (expected !== undefined && Number(expected) !== bytes.length)) return;
      await writeFile(join(parts, id, String(number)), bytes);
      response.writeHead(200, { etag: `"${createHash('md5').update(bytes).digest('hex')}"` }).end();
      return;
    }
    if (request.method === 'DELETE') {
      uploads.delete(id);
      await rm(join(parts, id), { recursive: true, force: true });
      response.writeHead(204).end();
      return;
    }
    if (request.method === 'POST') {
      const list = JSON.parse((await body(request)).toString()) as {
        parts: { partNumber: number; etag: string }[];
      };
      await mkdir(dirname(path), { recursive: true });
      const chunks: Buffer[] = [];
      for (const part of list.parts) {
        const bytes = await readFile(join(parts, id, String(part.partNumber))).catch(() => undefined);
        if (
          bytes === undefined ||
          `"${createHash('md5').update(bytes).digest('hex')}"` !== `"${part.etag}"`
        ) {
          response.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"bad part list"}');
          return;
        }
        chunks.push(bytes);
      }
      const temporary = join(dirname(path), `.upload-${randomUUID()}`);
      await writeFile(temporary, Buffer.concat(chunks));
      await rename(temporary, path);
      uploads.delete(id);
      await rm(join(parts, id), { recursive: true, force: true });
      const digest = await digestOf(path, cache);
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ etag: digest.sha256.slice(0, 16) }));
      return;
    }
    response.writeHead(405).end();
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://store');
    log.push({
      method: request.method ?? '',
      url: url.pathname + url.search,
      ...(request.headers.range ? { range: request.headers.range } : {}),
    });
    const path = fileOf(url.pathname);
    const work =
      url.searchParams.has('uploads') || url.searchParams.has('uploadId')
        ? multipart(request, response, url, path)
        : request.method === 'GET' && url.pathname.endsWith('/')
          ? index(response, path)
          : request.method === 'GET' || request.method === 'HEAD'
            ? get(request, response, path, !url.searchParams.has('nochecksum'))
            : request.method === 'PUT'
              ? put(request, response, path)
              : request.method === 'DELETE'
                ? unlink(path).then(
                    () => void response.writeHead(204).end(),
                    () => void response.writeHead(404).end(),
                  )
                : Promise.resolve(void response.writeHead(405).end());
    work.catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    root,
    log,
    openUploads: () => [...uploads],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(parts, { recursive: true, force: true });
    },
  };
}
