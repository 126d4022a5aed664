/**
 * Helpers for the observability tests: a real parkit server on a temporary data directory with
 * a settable clock, its ParkitObserver, and a raw admin call (to send what the typed client
 * would refuse to).
 */
import { ParkitObserver } from '../../src/index.js';
import type { ServerOptions } from '../../src/server/index.js';
import { startServer, type TestServer } from '../server/helpers.js';

/** A server whose clock the test sets. */
export interface ObservedServer extends TestServer {
  readonly observer: ParkitObserver;
  /** Set the server's clock (ISO). */
  setTime(iso: string): void;
  /** Move the server's clock on. */
  advance(seconds: number): void;
  /** A raw admin API call: status and parsed body. */
  raw(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** Start a server at a given time. */
export async function startObserved(
  start = '2024-05-01T00:00:00.000Z',
  options: Partial<ServerOptions> = {},
): Promise<ObservedServer> {
  let now = Date.parse(start);
  const server = await startServer({ now: () => now, ...options });
  const observer = new ParkitObserver({ url: server.server.url, adminKey: server.adminKey });
  return {
    ...server,
    observer,
    setTime(iso) {
      now = Date.parse(iso);
    },
    advance(seconds) {
      now += seconds * 1000;
    },
    async raw(method, path, body) {
      const response = await fetch(`${server.server.url}/admin/v1/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${server.adminKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      };
    },
  };
}
