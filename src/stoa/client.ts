/**
 * The Stoa client: authenticate, order a product's files, sign them, fetch their rows, or hand
 * them over as sealed read-only Pars. Speaks the same protocol as the Python `ds-stoa` client
 * (PROTOCOLS §1), with what it lacks: token renewal, typed errors, no silently dropped files.
 *
 * @module
 */
import type { ExpiresInput } from '../par/expiry.js';
import { systemClock } from '../par/expiry.js';
import type { Par } from '../par/par.js';
import type { ObjectTarget } from '../par/target.js';
import type { Transport } from '../remote/transport.js';
import type { Recipient } from '../seal/keys.js';
import { TokenKeeper } from './auth.js';
import { fetchSigned, type StoaColumnsResult, type StoaFormat, type StoaJsonResult } from './fetch.js';
import { checkPage, resolveSettings, type StoaClientOptions, type StoaSettings } from './options.js';
import { orderKeys } from './order.js';
import { DEFAULT_STOA_LIFETIME, wrapSigned } from './pars.js';
import { checkConcurrency, mapAll } from './pool.js';
import { StoaSession } from './session.js';
import { signKey } from './sign.js';

/** Default number of sign requests or downloads in flight at once (ds-stoa downloads 10 at a time). */
export const DEFAULT_STOA_CONCURRENCY = 10;

/** Options every call accepts. */
export interface StoaCallOptions {
  /** Cancels the call. */
  readonly signal?: AbortSignal;
}

/** One page of an order; each field defaults to the client's own. */
export interface StoaOrderOptions extends StoaCallOptions {
  readonly offset?: number;
  readonly limit?: number;
  readonly ascending?: boolean;
}

/** What to sign. */
export interface StoaSignOptions extends StoaCallOptions {
  /** The keys to sign (default: a fresh {@link StoaClient.order}). */
  readonly keys?: readonly string[];
  /** Sign requests in flight at once (default 10). */
  readonly concurrency?: number;
}

/** Which signed files to use: given, or ordered and signed now. */
export interface StoaSignedSource extends StoaCallOptions {
  /** Key → pre-signed URL, as {@link StoaClient.sign} returns (default: order and sign now). */
  readonly signed?: Readonly<Record<string, string>>;
}

/** How to fetch. */
export interface StoaFetchOptions<F extends StoaFormat = StoaFormat> extends StoaSignedSource {
  /** `json` for records (as the Python client), `columns` for one array per column. */
  readonly format: F;
  /** Downloads in flight at once (default 10). */
  readonly concurrency?: number;
  /** Return what succeeded and list the failures instead of throwing (default false). */
  readonly partial?: boolean;
}

/** How to wrap signed URLs as Pars. */
export interface StoaParsOptions extends StoaSignedSource {
  /** Who can open the Pars: `age1…` recipients or one `{ passphrase }`. */
  readonly recipients: readonly Recipient[];
  /** Lifetime of a URL that does not carry `X-Amz-Date`/`X-Amz-Expires` (default one hour). */
  readonly lifetime?: ExpiresInput;
}

/** What `JSON.stringify(client)` shows: the configuration without any credential. */
export interface StoaClientSummary {
  readonly environment: string;
  readonly authentication: 'rest' | 'oauth2' | 'identity';
  readonly authenticated: boolean;
  readonly productGroupName: string;
  readonly productName: string;
  readonly workspace: string;
  readonly ownerId: string;
  readonly version: string;
  readonly offset: number;
  readonly limit: number;
  readonly ascending: boolean;
}

function checkKeys(keys: readonly string[]): readonly string[] {
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string' && key !== ''))
    throw new TypeError('keys must be an array of non-empty strings');
  return keys;
}

function checkSigned(signed: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (typeof signed !== 'object' || signed === null || Array.isArray(signed))
    throw new TypeError('signed must be an object of key → pre-signed URL');
  for (const url of Object.values(signed)) {
    if (typeof url !== 'string' || !URL.canParse(url)) throw new TypeError('signed must map keys to URLs');
  }
  return signed;
}

/**
 * A client for Stoa, the data-lake service that hands out pre-signed URLs for ordered Parquet
 * files. Authenticates lazily (and again, once, after a 401), orders, signs in parallel,
 * fetches and decodes in parallel, and wraps signed URLs as read-only Pars.
 *
 * Safe to log: `toString()`, `JSON.stringify(client)` and `util.inspect(client)` show the
 * product and the authentication method, never a credential or token.
 *
 * @example
 * ```ts
 * const stoa = new StoaClient({
 *   authentication: 'oauth2',
 *   clientId: process.env.STOA_CLIENT_ID!,
 *   clientSecret: process.env.STOA_CLIENT_SECRET!,
 *   productGroupName: 'weather',
 *   productName: 'observations',
 *   workspace: 'apps',
 *   ownerId: 'team-42',
 *   environment: 'prod',
 * });
 * const { rows } = await stoa.fetch({ format: 'json' });
 * ```
 */
export class StoaClient {
  readonly #settings: StoaSettings;
  readonly #keeper: TokenKeeper;
  readonly #session: StoaSession;
  readonly #transport: Transport;
  readonly #now: NonNullable<StoaClientOptions['now']>;

  /**
   * @param options - product, credentials and connection
   * @throws TypeError or RangeError naming a bad option (offset ≥ 0, 0 < limit ≤ 20, workspace
   *   `apps`/`cart`, credentials for the chosen authentication)
   */
  constructor(options: StoaClientOptions) {
    this.#settings = resolveSettings(options);
    if (options.fetch !== undefined && typeof options.fetch !== 'function')
      throw new TypeError('fetch must be a function');
    this.#now = options.now ?? systemClock;
    this.#transport = {
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      timeout: this.#settings.timeout,
      service: 'Stoa',
    };
    const { credentials, urls, renewBefore } = this.#settings;
    this.#keeper = new TokenKeeper(credentials, urls, this.#transport, this.#now, renewBefore);
    this.#session = new StoaSession(this.#keeper, this.#transport);
  }

  /**
   * Authenticate now (otherwise the first call that needs a token does it), replacing any token held.
   *
   * @param options - cancellation
   * @throws RemoteServiceError when the service refuses the credentials (401) or the request;
   *   FormatError when it answers without an `access_token`; TransferError for a network failure
   * @example
   * ```ts
   * await stoa.authenticate();
   * stoa.isAuthenticated(); // true
   * ```
   */
  async authenticate(options: StoaCallOptions = {}): Promise<void> {
    await this.#keeper.authenticate(options.signal);
  }

  /**
   * Whether a token is held that is not about to expire.
   *
   * @returns true when calls can go out without authenticating first
   * @example
   * ```ts
   * if (!stoa.isAuthenticated()) await stoa.authenticate();
   * ```
   */
  isAuthenticated(): boolean {
    return this.#keeper.isFresh();
  }

  /**
   * Order one page (at most 20) of the product's file keys.
   *
   * @param options - paging overrides (offset ≥ 0, 0 < limit ≤ 20, ascending) and cancellation
   * @returns the keys, in the service's order
   * @throws RangeError/TypeError for bad paging; NotFoundError when the order is empty;
   *   RemoteServiceError for a refusal (401 after one re-authentication, 403, 422…)
   * @example
   * ```ts
   * const firstPage = await stoa.order();
   * const secondPage = await stoa.order({ offset: 20 });
   * ```
   */
  async order(options: StoaOrderOptions = {}): Promise<string[]> {
    const page = checkPage({
      offset: options.offset ?? this.#settings.page.offset,
      limit: options.limit ?? this.#settings.page.limit,
      ascending: options.ascending ?? this.#settings.page.ascending,
    });
    return orderKeys(this.#session, this.#settings, page, options.signal);
  }

  /**
   * Get a pre-signed URL for every key, `concurrency` requests at a time.
   *
   * @param options - the keys (default: a fresh order), parallelism and cancellation
   * @returns key → pre-signed URL; the URLs are secrets (wrap them with {@link StoaClient.pars} to hand over)
   * @throws FormatError when a reply has no URL; RemoteServiceError naming the key for a refusal
   * @example
   * ```ts
   * const signed = await stoa.sign({ keys: await stoa.order() });
   * ```
   */
  async sign(options: StoaSignOptions = {}): Promise<Record<string, string>> {
    const concurrency = checkConcurrency(options.concurrency, DEFAULT_STOA_CONCURRENCY, 'concurrency');
    const keys = options.keys === undefined ? await this.order(options) : checkKeys(options.keys);
    const { signal } = options;
    const urls = await mapAll(keys, concurrency, (key) =>
      signKey(this.#session, this.#settings.urls.sign, key, signal),
    );
    return Object.fromEntries(keys.map((key, index) => [key, urls[index] as string]));
  }

  /**
   * Download every signed file in parallel, decode its Parquet (snappy, gzip, brotli, zstd, lz4
   * or uncompressed) and return all rows in order-key order.
   *
   * @param options - `format` (`json` or `columns`), the signed files (default: order and sign
   *   now), parallelism (default 10), `partial` and cancellation
   * @returns the rows (or columns), the files decoded and, with `partial`, the failed files
   * @throws StoaFetchError naming every file that failed (unless `partial`); RangeError for a bad format
   * @example
   * ```ts
   * const { rows } = await stoa.fetch({ format: 'json' });
   * const { columns, rowCount } = await stoa.fetch({ format: 'columns', concurrency: 16 });
   * ```
   */
  fetch(options: StoaFetchOptions<'json'>): Promise<StoaJsonResult>;
  fetch(options: StoaFetchOptions<'columns'>): Promise<StoaColumnsResult>;
  fetch(options: StoaFetchOptions): Promise<StoaJsonResult | StoaColumnsResult>;
  async fetch(options: StoaFetchOptions): Promise<StoaJsonResult | StoaColumnsResult> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    if (options.format !== 'json' && options.format !== 'columns')
      throw new RangeError("format must be 'json' or 'columns'");
    const concurrency = checkConcurrency(options.concurrency, DEFAULT_STOA_CONCURRENCY, 'concurrency');
    const signed = await this.#signed(options);
    return fetchSigned(this.#transport, signed, {
      format: options.format,
      concurrency,
      partial: options.partial === true,
      signal: options.signal,
    });
  }

  /**
   * Wrap every signed URL as a sealed, read-only object Par (driver `stoa`, target key = the
   * order key), expiring when the URL does (`X-Amz-Date` + `X-Amz-Expires`), or after `lifetime`
   * when the URL does not say. Read them with `par.read(identity)`.
   *
   * @param options - recipients, the signed files (default: order and sign now), fallback lifetime
   * @returns one Par per key, in order-key order
   * @throws ExpiredError for a URL that has already expired; FormatError for a malformed
   *   X-Amz window; TypeError for bad recipients
   * @example
   * ```ts
   * const pars = await stoa.pars({ recipients: ['age1…'] });
   * const tokens = pars.map((par) => par.toToken()); // hand these over
   * ```
   */
  async pars(options: StoaParsOptions): Promise<Par<ObjectTarget>[]> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    if (!Array.isArray(options.recipients) || options.recipients.length === 0)
      throw new TypeError('recipients must be a non-empty array');
    const signed = await this.#signed(options);
    const wrap = {
      recipients: options.recipients,
      lifetime: options.lifetime ?? DEFAULT_STOA_LIFETIME,
      now: this.#now,
    };
    return Promise.all(Object.entries(signed).map(([key, url]) => wrapSigned(key, url, wrap)));
  }

  #signed(options: StoaSignedSource): Promise<Readonly<Record<string, string>>> {
    if (options.signed !== undefined) return Promise.resolve(checkSigned(options.signed));
    return this.sign(options.signal === undefined ? {} : { signal: options.signal });
  }

  /** The safe summary: configuration and state, never a credential or token. */
  toJSON(): StoaClientSummary {
    const { product, page, environment } = this.#settings;
    return {
      environment,
      authentication: this.#keeper.method,
      authenticated: this.isAuthenticated(),
      ...product,
      ...page,
    };
  }

  /** One line for logs: product, workspace, environment and authentication method. */
  toString(): string {
    const { product, environment } = this.#settings;
    return `StoaClient(${product.productGroupName}/${product.productName} v${product.version} in ${product.workspace} of ${product.ownerId}, ${environment}, ${this.#keeper.method}${this.isAuthenticated() ? ', authenticated' : ''})`;
  }

  /** What Node's `util.inspect` and `console.log` show: the safe summary. */
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): string {
    return inspect === undefined ? this.toString() : `StoaClient ${inspect(this.toJSON(), options)}`;
  }

  /** What Deno's `console.log` shows: the safe summary. */
  [Symbol.for('Deno.customInspect')](): string {
    return this.toString();
  }
}
