/**
 * A client of Pacifica's cart service, cartd (PROTOCOLS §5): create a cart of files, poll
 * `HEAD` until it is ready, download its tar, delete it. Every refusal is a typed error: a cart
 * in error is a RemoteServiceError carrying cartd's `X-Pacifica-Message`, an unknown cart a
 * NotFoundError, a cart still not ready at the deadline a TransferError.
 *
 * @module
 */
import { networkError } from '../access/http.js';
import { NotFoundError, type ParkitError, RemoteServiceError, TransferError } from '../par/errors.js';
import { redactUrl } from '../par/redact.js';
import type { CartFile } from './pacifica-event.js';

/** The states cartd reports in `X-Pacifica-Status`. */
export type CartStatus = 'waiting' | 'staging' | 'bundling' | 'ready' | 'error';

/** What `HEAD` on a cart says. */
export interface CartState {
  readonly status: CartStatus;
  /** cartd's `X-Pacifica-Message`, trimmed. */
  readonly message: string | undefined;
}

/** How to reach cartd and how patiently to wait. */
export interface CartClientOptions {
  /** The fetch to use (defaults to the global one). */
  readonly fetch?: typeof fetch;
  /** Milliseconds between two `HEAD` polls (default 1000, as the Python client). */
  readonly pollInterval?: number;
  /** Milliseconds to wait for a cart to become ready (default 120 000, as the Python client). */
  readonly timeout?: number;
  /** Extra headers for every request (e.g. `Authorization`). Never shown in messages. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Options of one call. */
export interface CartCallOptions {
  readonly signal?: AbortSignal;
  /** Called with every status seen while waiting. */
  readonly onStatus?: (state: CartState) => void;
}

const STATUSES = new Set<string>(['waiting', 'staging', 'bundling', 'ready', 'error']);
const MAX_MESSAGE = 300;

function positive(value: number | undefined, fallback: number, argument: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${argument} must be a positive number of milliseconds`);
  return value;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}

function trimmed(message: string | null): string | undefined {
  if (message === null || message.trim() === '') return undefined;
  return message.trim().slice(0, MAX_MESSAGE);
}

/**
 * A cartd client bound to one cart API URL.
 *
 * @example
 * ```ts
 * const carts = new CartClient('https://cart.example.org');
 * const cart = await carts.create(files);
 * await carts.waitUntilReady(cart);
 * const tar = await carts.download(cart, 'data');
 * ```
 */
export class CartClient {
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #interval: number;
  readonly #timeout: number;
  readonly #headers: Readonly<Record<string, string>>;

  /**
   * @param cartApiUrl - where carts are created (`{cartApiUrl}/{uuid}`)
   * @param options - fetch, polling interval, timeout, headers
   * @throws TypeError for a URL that is not http(s); RangeError for a bad interval or timeout
   */
  constructor(cartApiUrl: string, options: CartClientOptions = {}) {
    if (
      typeof cartApiUrl !== 'string' ||
      !URL.canParse(cartApiUrl) ||
      !/^https?:$/.test(new URL(cartApiUrl).protocol)
    ) {
      throw new TypeError('cartApiUrl must be an http(s) URL');
    }
    this.#base = cartApiUrl.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#interval = positive(options.pollInterval, 1000, 'pollInterval');
    this.#timeout = positive(options.timeout, 120_000, 'timeout');
    this.#headers = { ...options.headers };
  }

  async #send(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> {
    try {
      return await this.#fetch(url, {
        ...init,
        headers: { ...this.#headers, ...(init.headers as Record<string, string> | undefined) },
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw networkError(error, { method: init.method ?? 'GET', url });
    }
  }

  async #refusal(response: Response, method: string, url: string, what: string): Promise<ParkitError> {
    const said = trimmed(response.headers.get('x-pacifica-message')) ?? (await bodyMessage(response));
    const where = `${method} ${redactUrl(url)}`;
    if (response.status === 404) {
      return new NotFoundError(`the cart does not exist or was deleted (${where})`, {
        context: { status: 404, method, url: redactUrl(url) },
      });
    }
    return new RemoteServiceError(
      `cartd refused to ${what} (${response.status} ${where})${said === undefined ? '' : `: ${said}`}`,
      {
        status: response.status,
        method,
        url: redactUrl(url),
        ...(said === undefined ? {} : { serviceMessage: said }),
      },
    );
  }

  /**
   * Create a cart holding `files` (`POST {cartApiUrl}/{uuid}`).
   *
   * @param files - the cart entries
   * @param options - cancellation
   * @returns the cart's URL
   * @throws RemoteServiceError when cartd refuses; TransferError for a network failure
   */
  async create(files: readonly CartFile[], options: CartCallOptions = {}): Promise<string> {
    if (!Array.isArray(files) || files.length === 0) throw new TypeError('files must be a non-empty array');
    const url = `${this.#base}/${crypto.randomUUID()}`;
    const fileids = files.map(({ id, path, hashtype, hashsum }) => ({ id, path, hashtype, hashsum }));
    const response = await this.#send(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fileids }) },
      options.signal,
    );
    if (!response.ok) throw await this.#refusal(response, 'POST', url, 'create the cart');
    await response.body?.cancel();
    return url;
  }

  /**
   * The cart's state (`HEAD`).
   *
   * @param cartUrl - from {@link CartClient.create}
   * @param options - cancellation
   * @throws NotFoundError for an unknown cart; RemoteServiceError (with cartd's message) for a
   *   cart in error or an answer that is not cartd's
   */
  async state(cartUrl: string, options: CartCallOptions = {}): Promise<CartState> {
    const response = await this.#send(cartUrl, { method: 'HEAD' }, options.signal);
    await response.body?.cancel();
    const status = response.headers.get('x-pacifica-status') ?? '';
    const message = trimmed(response.headers.get('x-pacifica-message'));
    if (response.status === 404) throw await this.#refusal(response, 'HEAD', cartUrl, 'find the cart');
    if (response.status === 500 || status === 'error') {
      throw new RemoteServiceError(
        `the cart failed${message === undefined ? '' : `: ${message}`} (HEAD ${redactUrl(cartUrl)})`,
        {
          status: response.status,
          method: 'HEAD',
          url: redactUrl(cartUrl),
          ...(message === undefined ? {} : { serviceMessage: message }),
          context: { cartStatus: 'error' },
        },
      );
    }
    if (!response.ok || !STATUSES.has(status)) {
      throw new RemoteServiceError(
        `cartd answered ${response.status} without a known X-Pacifica-Status (HEAD ${redactUrl(cartUrl)})`,
        { status: response.status, method: 'HEAD', url: redactUrl(cartUrl) },
      );
    }
    return { status: status as CartStatus, message };
  }

  /**
   * Poll `HEAD` every `pollInterval` until the cart is ready.
   *
   * @param cartUrl - from {@link CartClient.create}
   * @param options - cancellation, status callback
   * @throws TransferError when it is not ready within `timeout`; see {@link CartClient.state}
   */
  async waitUntilReady(cartUrl: string, options: CartCallOptions = {}): Promise<void> {
    const polls = Math.max(1, Math.ceil(this.#timeout / this.#interval));
    let last: CartState | undefined;
    for (let poll = 0; poll < polls; poll++) {
      if (poll > 0) await sleep(this.#interval, options.signal);
      last = await this.state(cartUrl, options);
      options.onStatus?.(last);
      if (last.status === 'ready') return;
    }
    throw new TransferError(
      `the cart was not ready after ${this.#timeout / 1000} s (last status ${last?.status ?? 'unknown'})`,
      { url: redactUrl(cartUrl), context: { cartStatus: last?.status } },
    );
  }

  /**
   * Download the ready cart as a tar whose top folder is `filename` (`GET ?filename=`).
   *
   * @param cartUrl - from {@link CartClient.create}
   * @param filename - the top folder's name
   * @param options - cancellation
   * @returns the tar stream
   * @throws RemoteServiceError when cartd says the cart is not ready (202); NotFoundError
   */
  async download(
    cartUrl: string,
    filename: string,
    options: CartCallOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const url = `${cartUrl}?filename=${encodeURIComponent(filename)}`;
    const response = await this.#send(url, { method: 'GET' }, options.signal);
    if (response.status === 202) {
      await response.body?.cancel();
      throw new RemoteServiceError(`the cart is not ready for download yet (GET ${redactUrl(url)})`, {
        status: 202,
        method: 'GET',
        url: redactUrl(url),
      });
    }
    if (!response.ok) throw await this.#refusal(response, 'GET', url, 'hand out the cart');
    if (response.body === null) throw new TransferError(`cartd sent no body (GET ${redactUrl(url)})`);
    return response.body;
  }

  /**
   * Delete the cart (`DELETE`).
   *
   * @param cartUrl - from {@link CartClient.create}
   * @param options - cancellation
   * @throws NotFoundError for an unknown cart
   */
  async remove(cartUrl: string, options: CartCallOptions = {}): Promise<void> {
    const response = await this.#send(cartUrl, { method: 'DELETE' }, options.signal);
    if (!response.ok) throw await this.#refusal(response, 'DELETE', cartUrl, 'delete the cart');
    await response.body?.cancel();
  }
}

async function bodyMessage(response: Response): Promise<string | undefined> {
  try {
    const parsed = JSON.parse((await response.text()).slice(0, 4000)) as { message?: unknown };
    return typeof parsed.message === 'string' ? trimmed(parsed.message) : undefined;
  } catch {
    return undefined;
  }
}
