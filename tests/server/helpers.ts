/**
 * Helpers for the server tests: a server on a temporary data directory with its admin client
 * and a recipient, an in-process request injector (no socket), and a snapshot of the data
 * directory to prove that refused requests change nothing on disk.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import {
  generateIdentity,
  identityToRecipient,
  type Par,
  ParkitAdmin,
  type ServerParRequest,
} from '../../src/index.js';
import { createServer, type ParkitServer, type ServerOptions } from '../../src/server/index.js';

/** A running server with what the tests need around it. */
export interface TestServer {
  readonly server: ParkitServer;
  readonly admin: ParkitAdmin;
  readonly adminKey: string;
  readonly dataDir: string;
  readonly identity: string;
  readonly recipient: string;
  /** Mint and open a Par: the Par and its access URL. */
  mint(
    request: Omit<ServerParRequest, 'recipients' | 'expires'> & { expires?: ServerParRequest['expires'] },
  ): Promise<{
    par: Par;
    url: string;
  }>;
  stop(): Promise<void>;
}

/** Start a server on a fresh data directory (or on `options.dataDir`, which is then kept). */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'parkit-server-')));
  const server = await createServer({ ...options, dataDir });
  const adminKey = options.adminKey ?? (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
  const admin = new ParkitAdmin({ url: server.url, adminKey });
  const identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  return {
    server,
    admin,
    adminKey,
    dataDir,
    identity,
    recipient,
    async mint(request) {
      const par = await admin.createPar({ expires: { hours: 1 }, ...request, recipients: [recipient] });
      return { par, url: await par.url(identity) };
    },
    async stop() {
      await server.close();
      // A data directory the caller gave is the caller's (a restart test reuses it).
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every file under a directory with a hash of its content (what "nothing changed on disk" compares). */
export async function snapshot(
  root: string,
  skip: readonly string[] = ['tmp'],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (relative: string) => {
    for (const name of await readdir(join(root, relative))) {
      const path = relative === '' ? name : `${relative}/${name}`;
      if (skip.includes(path)) continue;
      const info = await lstat(join(root, path));
      if (info.isDirectory()) {
        found.set(`${path}/`, 'dir');
        await visit(path);
      } else
        found.set(
          path,
          createHash('sha256')
            .update(await readFile(join(root, path)))
            .digest('hex'),
        );
    }
  };
  await visit('');
  return found;
}

/** What an injected request answered. */
export interface Injected {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  json(): { code?: string; message?: string } & Record<string, unknown>;
}

/**
 * Call a handler in-process: a minimal IncomingMessage (a stream with method, url, headers) and
 * a ServerResponse stand-in that collects what is written.
 */
export async function inject(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  request: { method: string; url: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Injected> {
  const incoming = new PassThrough() as unknown as IncomingMessage & PassThrough;
  Object.assign(incoming, {
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  });
  let complete = false;
  Object.defineProperty(incoming, 'complete', { get: () => complete });
  incoming.on('end', () => {
    complete = true;
  });
  (incoming as PassThrough).end(request.body ?? '');
  const chunks: Buffer[] = [];
  const headers: Record<string, string> = {};
  let status = 200;
  let headersSent = false;
  const response = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  }) as unknown as ServerResponse & Writable;
  Object.assign(response, {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
      return response;
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
    writeHead(code: number, more: Record<string, unknown> = {}) {
      status = code;
      headersSent = true;
      for (const [name, value] of Object.entries(more)) headers[name.toLowerCase()] = String(value);
      return response;
    },
  });
  Object.defineProperty(response, 'statusCode', {
    get: () => status,
    set: (code: number) => (status = code),
  });
  Object.defineProperty(response, 'headersSent', { get: () => headersSent });
  const finished = new Promise<void>((done) => response.on('finish', () => done()));
  await handle(incoming, response);
  await finished;
  const body = Buffer.concat(chunks);
  return { status, headers, body, json: () => JSON.parse(body.toString('utf8')) };
}
