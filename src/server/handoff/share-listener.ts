/**
 * The share-event listener behind `parkit watch`: an HTTP endpoint that receives CloudEvents
 * (structured or binary mode) and Pacifica ingest events, opens each share with this identity,
 * and downloads what it grants through a {@link Downloader}, one event at a time.
 *
 * Answers follow the Pacifica Notifications convention, where any 4xx/5xx disables the
 * subscription: 202 for every well-formed event — downloaded, or ignored because it is sealed
 * to someone else — and 4xx only for requests that are not events at all. Logs name Pars by
 * fingerprint only.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Downloader } from '../../handoff/downloader.js';
import { decodeHttp, MAX_EVENT_BYTES, type ReceivedEvent } from '../../handoff/node-events.js';
import { isParkitError } from '../../par/errors.js';
import type { Identity } from '../../seal/keys.js';

/** One thing the listener did, for the log. Never holds a token, URL or key. */
export interface WatchLogEntry {
  readonly at: string;
  readonly event: 'listening' | 'accepted' | 'ignored' | 'rejected' | 'saved' | 'failed' | 'stopped';
  /** The Par's fingerprint (shares). */
  readonly fingerprint?: string;
  /** `share` or `pacifica`. */
  readonly kind?: 'share' | 'pacifica';
  readonly url?: string;
  readonly files?: number;
  readonly skipped?: number;
  readonly bytes?: number;
  /** The submission id the download was recorded as (when the downloader observes). */
  readonly submission?: string;
  /** Why: an error code and message, or a reason. */
  readonly code?: string;
  readonly message?: string;
}

/** How to listen. */
export interface WatchOptions {
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (0 for any free one). */
  readonly port: number;
  /** The identity shares must be sealed to. */
  readonly identity: Identity;
  /** Where and how to download. */
  readonly downloader: Downloader;
  /** Whether Pacifica ingest events are downloaded (needs the downloader's `cartApiUrl`). */
  readonly pacifica?: boolean;
  /** Receives every log entry. */
  readonly log?: (entry: WatchLogEntry) => void;
}

/** A running listener. */
export interface WatchServer {
  /** `http://host:port/`. */
  readonly url: string;
  /** Stop accepting, cancel the download in progress (nothing partial is left), wait for it. */
  close(): Promise<void>;
}

function answer(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_EVENT_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Start listening for share events.
 *
 * @param options - address, identity, downloader, log
 * @returns the running listener
 * @example
 * ```ts
 * const watch = await watchShares({ port: 8787, identity, downloader: new Downloader('incoming', { identity }) });
 * process.on('SIGTERM', () => watch.close());
 * ```
 */
export async function watchShares(options: WatchOptions): Promise<WatchServer> {
  const log = (entry: Omit<WatchLogEntry, 'at'>) => options.log?.({ at: new Date().toISOString(), ...entry });
  const stopping = new AbortController();
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (received: ReceivedEvent, fingerprint: string | undefined) => {
    const kind = received.kind;
    queue = queue.then(async () => {
      if (stopping.signal.aborted) return;
      try {
        const result =
          received.kind === 'share'
            ? await options.downloader.pars([received.share.par], { signal: stopping.signal })
            : await options.downloader.pacifica(received.files, { signal: stopping.signal });
        log({
          event: 'saved',
          kind,
          ...(fingerprint === undefined ? {} : { fingerprint }),
          files: result.files.length,
          skipped: result.files.filter((file) => file.skipped).length,
          bytes: result.transferred,
          ...(result.submission === undefined ? {} : { submission: result.submission.id }),
        });
      } catch (error) {
        log({
          event: 'failed',
          kind,
          ...(fingerprint === undefined ? {} : { fingerprint }),
          code: isParkitError(error) ? error.code : stopping.signal.aborted ? 'ABORTED' : 'ERROR',
          message: isParkitError(error)
            ? error.message
            : stopping.signal.aborted
              ? 'stopped'
              : 'unexpected failure',
        });
      }
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return answer(response, 405, { error: 'method not allowed: POST CloudEvents here' });
    }
    const body = await readBody(request);
    if (body === undefined) return answer(response, 413, { error: 'event too large' });
    let received: ReceivedEvent;
    try {
      received = decodeHttp(request.headers, body);
    } catch (error) {
      const code = isParkitError(error) ? error.code : 'ERROR';
      const message = isParkitError(error) ? error.message : 'not an event';
      log({ event: 'rejected', code, message });
      return answer(response, 400, { error: code, message });
    }
    if (received.kind === 'pacifica') {
      if (options.pacifica !== true) {
        log({ event: 'ignored', kind: 'pacifica', message: 'no cart API configured' });
        return answer(response, 202, { status: 'ignored' });
      }
      log({ event: 'accepted', kind: 'pacifica', files: received.files.length });
      enqueue(received, undefined);
      return answer(response, 202, { status: 'accepted' });
    }
    const { par } = received.share;
    const fingerprint = par.fingerprint();
    try {
      await par.url(options.identity, { buffer: 0 });
    } catch (error) {
      if (isParkitError(error, 'PARKIT_DECRYPTION_FAILED')) {
        log({ event: 'ignored', kind: 'share', fingerprint, message: 'sealed to someone else' });
        return answer(response, 202, { status: 'ignored', fingerprint });
      }
      const code = isParkitError(error) ? error.code : 'ERROR';
      log({
        event: 'rejected',
        kind: 'share',
        fingerprint,
        code,
        message: isParkitError(error) ? error.message : 'cannot open',
      });
      // Tampered or expired: the sender is at fault; 4xx tells it, as far as this event goes.
      return answer(response, isParkitError(error, 'PARKIT_EXPIRED') ? 202 : 400, {
        error: code,
        fingerprint,
      });
    }
    log({ event: 'accepted', kind: 'share', fingerprint });
    enqueue(received, fingerprint);
    return answer(response, 202, { status: 'accepted', fingerprint });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) answer(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/`;
  log({ event: 'listening', url });
  return {
    url,
    async close() {
      stopping.abort(new DOMException('the listener is stopping', 'AbortError'));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await queue;
      log({ event: 'stopped' });
    },
  };
}
