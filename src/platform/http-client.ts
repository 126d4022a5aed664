/**
 * The runtime's own HTTP client, for the requests parkit sends with its default transport. On
 * Node, `fetch` buffers a whole streamed upload in memory and costs more per request than the
 * `node:http` client, so there parkit loads `node-http.ts` (dynamically, like `node-files.ts`);
 * everywhere else (browsers, Deno, Bun) the web `fetch` is used as it is.
 *
 * @module
 */

/** One request for the platform client. */
export interface PlatformRequest {
  readonly method: string;
  readonly headers: Headers;
  readonly body?: Uint8Array | ReadableStream<Uint8Array> | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds without progress (no byte sent or received) before the request fails. */
  readonly timeout: number;
}

/** An HTTP client with the web `Response` as its answer. */
export interface PlatformHttp {
  /**
   * Send a request; follows redirects for GET and HEAD. Network failures reject with an error
   * whose `code` names the kind (`ECONNRESET`, …); no progress for `timeout` ms rejects (or errors
   * the body stream) with {@link RequestTimeoutError}; a body cut short errors the body stream.
   */
  request(url: string, request: PlatformRequest): Promise<Response>;
}

/** A request went `timeout` milliseconds without progress. */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  /** The timeout that ran out, in milliseconds. */
  readonly timeout: number;
  /** @param timeout - the timeout that ran out, in milliseconds */
  constructor(timeout: number) {
    super(`no progress for ${timeout} ms`);
    this.timeout = timeout;
  }
}

/**
 * The fetch parkit uses when the caller gives none: the global `fetch`, looked up at call time.
 * A dialect context whose `fetch` is this one lets parkit use the platform client instead.
 */
export const platformFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

interface RuntimeGlobals {
  process?: { versions?: { node?: string } };
  Deno?: unknown;
  Bun?: unknown;
}

/** Whether this is Node itself (not Deno or Bun, which also report a Node version). */
export function isNode(): boolean {
  const runtime = globalThis as RuntimeGlobals;
  return (
    typeof runtime.process?.versions?.node === 'string' &&
    runtime.Deno === undefined &&
    runtime.Bun === undefined
  );
}

let loading: Promise<PlatformHttp> | undefined;
let loaded: PlatformHttp | undefined;

/**
 * The platform HTTP client, or undefined where the web `fetch` is the right client (anywhere but
 * Node). Synchronous once loaded.
 */
export function platformHttp(): PlatformHttp | Promise<PlatformHttp> | undefined {
  if (loaded !== undefined) return loaded;
  if (!isNode()) return undefined;
  // A computed specifier: browser bundlers leave it alone and the core never sees Node's types.
  const specifier = './node-http.js';
  loading ??= (import(/* @vite-ignore */ specifier) as Promise<{ nodeHttp: PlatformHttp }>).then((m) => {
    loaded = m.nodeHttp;
    return loaded;
  });
  return loading;
}
