/**
 * `createServer`: the embedded parkit server on `node:http`, loopback by default, over a data
 * directory (or any {@link ObjectStore}), with graceful shutdown and a periodic sweep of expired
 * Par records.
 *
 * @module
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { loadOrCreateAdminKey } from './admin/admin-key.js';
import { type App, createApp } from './app.js';
import type { ComputeSettings } from './compute/settings.js';
import type { FlowSettings } from './flows/engine.js';
import type { RequestLogger } from './http/log.js';
import { FileSystemStore } from './storage/fs-store.js';
import type { ObjectStore } from './storage/store.js';

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The data directory (created if missing): objects, records, the admin key. */
  readonly dataDir: string;
  /** Interface to listen on (default `127.0.0.1`: loopback only). */
  readonly host?: string;
  /** Port (default 0: a free one). */
  readonly port?: number;
  /** The admin key; default: `admin.key` in the data directory, created (0600) at first start. */
  readonly adminKey?: string;
  /** Token signing key (base64url, ≥ 32 bytes); default: created once and kept in the store. */
  readonly signingKey?: string;
  /** Base of access URLs in minted Pars, when clients reach the server by another address. */
  readonly publicUrl?: string;
  /** Namespace in access URLs (default `parkit`). */
  readonly namespace?: string;
  /** Largest PUT body in bytes (default 5 GiB). */
  readonly maxBodyBytes?: number;
  /** Longest Par lifetime minted, in seconds (default 30 days). */
  readonly maxLifetimeSeconds?: number;
  /** The clock, epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** How often expired Par records are swept, in ms (default 60 000; also once at start). */
  readonly sweepIntervalMs?: number;
  /** How long `close()` waits for in-flight requests before cutting them, in ms (default 30 000). */
  readonly shutdownGraceMs?: number;
  /** Use this store instead of the filesystem store of `dataDir` (e.g. replicas sharing one store). */
  readonly store?: ObjectStore;
  /** Receives one entry per request (no secrets in it). */
  readonly log?: RequestLogger;
  /** A functions directory: run its calculations through executable Pars (see docs/compute.md). */
  readonly functions?: string;
  /** Limits of the compute service (concurrency, queue, time and memory per job, stop grace). */
  readonly compute?: ComputeSettings;
  /** The flows scheduler: how often it ticks by itself (`pollMs`, 0: never) and the run lease (`leaseMs`). */
  readonly flows?: FlowSettings;
}

/** The flows scheduler of a running server. */
export interface FlowScheduler {
  /** Run one scheduler pass now (timers, retries, input changes, lapsed leases); the runs started. */
  tick(): Promise<readonly { readonly id: string; readonly trigger: string }[]>;
  /** Wait until no flow run and no reaction to a write is in progress. */
  idle(): Promise<void>;
}

/** A running server. */
export interface ParkitServer {
  /** Where it listens, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The data directory. */
  readonly dataDir: string;
  /** Whether the admin key was created by this start (it is in `dataDir/admin.key`). */
  readonly adminKeyCreated: boolean;
  /** The calculations loaded from `functions` (empty without). */
  readonly calculations: readonly string[];
  /** The flows scheduler (see docs/flows.md). */
  readonly flows: FlowScheduler;
  /** Delete expired Par records now; returns how many. */
  sweep(): Promise<number>;
  /** Stop accepting connections, let in-flight requests finish, release the data directory. */
  close(): Promise<void>;
}

function urlOf(server: Server, host: string): string {
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' || host.includes(':') ? `[${address.address}]` : address.address;
  return `http://${shown}:${address.port}`;
}

/**
 * Start a parkit server.
 *
 * @param options - data directory, address, keys and limits
 * @returns the running server
 * @throws StoreError `DATA_DIR_IN_USE` when another live server holds the data directory
 * @example
 * ```ts
 * import { createServer } from 'parkit/server';
 * const server = await createServer({ dataDir: './data' });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function createServer(options: ServerOptions): Promise<ParkitServer> {
  if (typeof options?.dataDir !== 'string' || options.dataDir === '') {
    throw new TypeError('dataDir must be a non-empty path');
  }
  const dataDir = resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const ownStore = options.store === undefined;
  const store = options.store ?? (await FileSystemStore.open(dataDir));
  let app: App | undefined;
  let adminKeyCreated = false;
  let server: Server;
  try {
    let adminKey = options.adminKey;
    if (adminKey === undefined) {
      const loaded = await loadOrCreateAdminKey(dataDir);
      adminKey = loaded.key;
      adminKeyCreated = loaded.created;
    }
    let publicUrl = options.publicUrl?.replace(/\/+$/, '');
    let listening = '';
    const created = await createApp({
      store,
      adminKey,
      publicUrl: () => publicUrl ?? '',
      ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey }),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      ...(options.maxLifetimeSeconds === undefined ? {} : { maxLifetimeSeconds: options.maxLifetimeSeconds }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.log === undefined ? {} : { log: options.log }),
      ...(options.functions === undefined ? {} : { functions: options.functions }),
      ...(options.compute === undefined ? {} : { compute: options.compute }),
      ...(options.flows === undefined ? {} : { flows: options.flows }),
      internalUrl: () => listening,
      exclusiveStore: ownStore,
    });
    app = created;
    await created.sweep();
    let closing = false;
    server = createHttpServer(
      // A socket high-water mark above the 1 MiB read chunk lets the next file read overlap the
      // sending of the last one (with the default 16 KiB, reads and sends alternate).
      { keepAlive: true, requestTimeout: 0, headersTimeout: 60_000, highWaterMark: 4 * 1024 * 1024 },
      (request, response) => {
        if (closing) response.setHeader('connection', 'close');
        void created.handle(request, response);
      },
    );
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', fail);
        done();
      });
    });
    const url = urlOf(server, host);
    publicUrl ??= url;
    listening = url;
    const timer = setInterval(() => void created.sweep().catch(() => {}), options.sweepIntervalMs ?? 60_000);
    timer.unref();
    let closed: Promise<void> | undefined;
    return {
      url,
      dataDir,
      adminKeyCreated,
      calculations: Object.freeze([...(created.context.compute?.calculations.keys() ?? [])].sort()),
      flows: { tick: () => created.flows.tick(), idle: () => created.flows.idle() },
      sweep: () => created.sweep(),
      close() {
        closed ??= (async () => {
          closing = true;
          clearInterval(timer);
          // Jobs end first, so waits on them answer before connections are drained.
          await created.close();
          const stopped = new Promise<void>((done) => server.close(() => done()));
          server.closeIdleConnections();
          // Connections busy now become idle when their request ends: close them then.
          const idle = setInterval(() => server.closeIdleConnections(), 25);
          const grace = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 30_000);
          await stopped;
          clearInterval(idle);
          clearTimeout(grace);
          if (ownStore) await store.close();
        })();
        return closed;
      },
    };
  } catch (error) {
    await app?.close();
    if (ownStore) await store.close();
    throw error;
  }
}
