/**
 * `ParkitAdmin`: the typed client of a parkit server's admin API (buckets; minting, listing and
 * closing Pars). Web-standard (`fetch`), so it runs wherever the core runs. The admin key is
 * held privately and never appears in messages, `toString`, JSON or `inspect` output.
 *
 * @module
 */
import { DateTime, Duration } from 'luxon';
import { FormatError } from '../par/errors.js';
import { type Clock, type ExpiresInput, readClock, resolveExpiry, systemClock } from '../par/expiry.js';
import { Par } from '../par/par.js';
import type { Permission } from '../par/permissions.js';
import type { BucketTarget, CalculationTarget, ObjectTarget } from '../par/target.js';
import { type AdminEndpoint, adminCall, adminEndpoint } from '../remote/admin-call.js';
import {
  type ExecutableParRequest,
  executableBody,
  parseCalculations,
  parseServerJob,
  type ServerCalculation,
  type ServerJobInfo,
} from './parkit-calculations.js';

/** How to reach a parkit server's admin API. */
export interface ParkitAdminOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The admin key (from the server's `admin.key`, or `PARKIT_ADMIN_KEY`). */
  readonly adminKey: string;
  /** The fetch to use (defaults to the global one). */
  readonly fetch?: typeof fetch;
  /** Clock for resolving absolute expiries and for the Pars returned. */
  readonly now?: Clock;
  /** Milliseconds before one request is abandoned (default 30 000). */
  readonly timeout?: number;
}

/** A bucket on the server. */
export interface ServerBucket {
  readonly name: string;
  readonly created: DateTime;
}

/** What to mint: an object (`key`), a key prefix (`prefix`) or a whole bucket (neither). */
export interface ServerParRequest {
  readonly bucket: string;
  /** One object. */
  readonly key?: string;
  /** Only keys under this prefix (a bucket Par). */
  readonly prefix?: string;
  /** `read`, `write`, `list` (bucket Pars only), `delete`. */
  readonly permissions: readonly Permission[];
  /** A lifetime such as `{ hours: 2 }` (counted on the server's clock) or an instant. */
  readonly expires: ExpiresInput;
  /** `age1…` recipients the server seals the Par to. */
  readonly recipients: readonly string[];
  /** A label. */
  readonly name?: string;
}

/** A Par as the server's registry lists it: metadata and fingerprint, never the secret. */
export interface ServerParInfo {
  readonly id: string;
  readonly fingerprint: string;
  readonly name?: string;
  readonly target: ObjectTarget | BucketTarget | CalculationTarget;
  readonly permissions: readonly Permission[];
  readonly created: DateTime;
  readonly expires: DateTime;
}

/** Options of one call. */
export interface AdminCallOptions {
  readonly signal?: AbortSignal;
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string') throw new TypeError('url must be a string');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('url must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TypeError('url must be an http(s) URL');
  if (parsed.search !== '' || parsed.username !== '' || parsed.password !== '') {
    throw new TypeError('url must not carry a query or credentials');
  }
  return parsed.href.replace(/\/+$/, '');
}

function time(value: unknown, field: string): DateTime {
  const parsed = typeof value === 'string' ? DateTime.fromISO(value, { zone: 'utc' }) : undefined;
  if (parsed === undefined || !parsed.isValid)
    throw new FormatError(`the server sent a bad ${field}`, { field });
  return parsed;
}

function parInfo(value: unknown): ServerParInfo {
  const entry = value as Record<string, unknown> & { scope?: Record<string, unknown> };
  const scope = entry?.scope;
  if (
    typeof entry?.id !== 'string' ||
    typeof entry.fingerprint !== 'string' ||
    typeof scope !== 'object' ||
    scope === null
  ) {
    throw new FormatError('the server sent a malformed Par entry', { field: 'pars' });
  }
  const target: ObjectTarget | BucketTarget | CalculationTarget =
    scope.kind === 'object'
      ? { kind: 'object', bucket: String(scope.bucket), key: String(scope.key) }
      : scope.kind === 'calculation'
        ? { kind: 'calculation', name: String(scope.name) }
        : {
            kind: 'bucket',
            bucket: String(scope.bucket),
            ...(typeof scope.prefix === 'string' ? { prefix: scope.prefix } : {}),
          };
  return {
    id: entry.id,
    fingerprint: entry.fingerprint,
    ...(typeof entry.name === 'string' ? { name: entry.name } : {}),
    target,
    permissions: Array.isArray(entry.permissions) ? (entry.permissions as Permission[]) : [],
    created: time(entry.created, 'created'),
    expires: time(entry.expires, 'expires'),
  };
}

function isLifetime(expires: ExpiresInput): boolean {
  return (
    Duration.isDuration(expires) ||
    (typeof expires === 'object' && !DateTime.isDateTime(expires) && !(expires instanceof Date))
  );
}

/**
 * The admin client of a parkit server.
 *
 * @example
 * ```ts
 * const admin = new ParkitAdmin({ url: 'http://127.0.0.1:8080', adminKey });
 * await admin.createBucket('reports');
 * const par = await admin.createPar({
 *   bucket: 'reports',
 *   prefix: 'q3/',
 *   permissions: ['read', 'list'],
 *   expires: { hours: 2 },
 *   recipients: [recipient],
 * });
 * const token = par.toToken();
 * ```
 */
export class ParkitAdmin {
  /** The server's base URL. */
  readonly url: string;
  readonly #endpoint: AdminEndpoint;
  readonly #now: Clock;

  /**
   * @param options - server URL, admin key, transport
   * @throws TypeError for a bad URL or a missing key
   */
  constructor(options: ParkitAdminOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.url = checkUrl(options.url);
    this.#endpoint = adminEndpoint(this.url, options);
    this.#now = options.now ?? systemClock;
  }

  #call(method: string, path: string, body: unknown, options: AdminCallOptions): Promise<unknown> {
    return adminCall(this.#endpoint, method, path, body, options.signal);
  }

  /**
   * Create a bucket.
   *
   * @param name - 1–63 letters, digits, `_`, `.` or `-`
   * @param options - cancellation
   * @throws ConflictError when it exists; RemoteServiceError for a bad name
   */
  async createBucket(name: string, options: AdminCallOptions = {}): Promise<ServerBucket> {
    if (typeof name !== 'string' || name === '') throw new TypeError('name must be a non-empty string');
    const body = (await this.#call('POST', 'buckets', { name }, options)) as {
      name: string;
      created: string;
    };
    return { name: body.name, created: time(body.created, 'created') };
  }

  /**
   * Every bucket.
   *
   * @param options - cancellation
   */
  async listBuckets(options: AdminCallOptions = {}): Promise<ServerBucket[]> {
    const body = (await this.#call('GET', 'buckets', undefined, options)) as { buckets?: unknown };
    if (!Array.isArray(body?.buckets)) {
      throw new FormatError('the server sent a malformed bucket list', { field: 'buckets' });
    }
    return body.buckets.map((bucket: { name: string; created: string }) => ({
      name: String(bucket.name),
      created: time(bucket.created, 'created'),
    }));
  }

  /**
   * Delete a bucket (and close every Par on it).
   *
   * @param name - the bucket
   * @param options - `force`: also delete its objects; cancellation
   * @throws NotFoundError; ConflictError when it holds objects and `force` is not set
   */
  async deleteBucket(
    name: string,
    options: AdminCallOptions & { readonly force?: boolean } = {},
  ): Promise<void> {
    if (typeof name !== 'string' || name === '') throw new TypeError('name must be a non-empty string');
    const query = options.force ? '?force=true' : '';
    await this.#call('DELETE', `buckets/${encodeURIComponent(name)}${query}`, undefined, options);
  }

  /**
   * Mint a Par. The server seals it to `recipients`; this client never sees its URL.
   *
   * @param request - what, which permissions, until when, for whom
   * @param options - cancellation
   * @returns the sealed Par (hand it over with `toToken()`)
   * @throws NotFoundError (no such bucket), RemoteServiceError (a field the server refused)
   */
  async createPar(request: ServerParRequest, options: AdminCallOptions = {}): Promise<Par> {
    if (typeof request !== 'object' || request === null) throw new TypeError('request must be an object');
    const body: Record<string, unknown> = {
      bucket: request.bucket,
      permissions: request.permissions,
      recipients: request.recipients,
    };
    if (request.key !== undefined) body.key = request.key;
    if (request.prefix !== undefined) body.prefix = request.prefix;
    if (request.name !== undefined) body.name = request.name;
    const now = readClock(this.#now);
    const expires = resolveExpiry(request.expires, now);
    // A lifetime is sent as seconds, so the server counts it on its own clock.
    if (isLifetime(request.expires)) body.expiresIn = (expires.toMillis() - now.toMillis()) / 1000;
    else body.expires = expires.toISO();
    const answer = (await this.#call('POST', 'pars', body, options)) as { par?: unknown };
    return Par.fromData(answer?.par, { now: this.#now });
  }

  /**
   * Mint an executable Par: its holder may start, watch and stop runs of one calculation the
   * server registered, with the arguments bound here (not overridable), the ones listed in
   * `settable`, and the bucket grants given.
   *
   * @param request - the calculation, arguments, grants, run limit, expiry and recipients
   * @param options - cancellation
   * @returns the sealed executable Par
   * @throws NotFoundError (no such calculation or bucket), RemoteServiceError (a field the
   *   server refused: `context.serviceCode` says which rule, e.g. `ARGUMENT_REJECTED`)
   */
  async createExecutablePar(request: ExecutableParRequest, options: AdminCallOptions = {}): Promise<Par> {
    const body = executableBody(request);
    const now = readClock(this.#now);
    const expires = resolveExpiry(request.expires, now);
    if (isLifetime(request.expires)) body.expiresIn = (expires.toMillis() - now.toMillis()) / 1000;
    else body.expires = expires.toISO();
    const answer = (await this.#call('POST', 'pars', body, options)) as { par?: unknown };
    return Par.fromData(answer?.par, { now: this.#now });
  }

  /**
   * The calculations the server registered from its functions directory.
   *
   * @param options - cancellation
   */
  async listCalculations(options: AdminCallOptions = {}): Promise<ServerCalculation[]> {
    return parseCalculations(await this.#call('GET', 'calculations', undefined, options));
  }

  /**
   * Jobs on the server (all, or those one executable Par started), oldest first.
   *
   * @param filter - `par`: an executable Par or its id; cancellation
   */
  async listJobs(filter: AdminCallOptions & { readonly par?: Par | string } = {}): Promise<ServerJobInfo[]> {
    const par = typeof filter.par === 'string' ? filter.par : filter.par?.id;
    const query = par === undefined ? '' : `?par=${encodeURIComponent(par)}`;
    const body = (await this.#call('GET', `jobs${query}`, undefined, filter)) as { jobs?: unknown };
    if (!Array.isArray(body?.jobs))
      throw new FormatError('the server sent a malformed job list', { field: 'jobs' });
    return body.jobs.map(parseServerJob);
  }

  /**
   * Stop a job (the operator's override; the holder uses `job.stop()`).
   *
   * @param id - the job id
   * @param options - cancellation
   * @returns its status once it has ended
   * @throws NotFoundError
   */
  async stopJob(id: string, options: AdminCallOptions = {}): Promise<ServerJobInfo> {
    if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id))
      throw new TypeError('id must be a job id (32 hex digits)');
    return parseServerJob(await this.#call('POST', `jobs/${id}/stop`, undefined, options));
  }

  /**
   * Every live Par (metadata and fingerprints only).
   *
   * @param filter - only those on one bucket; cancellation
   */
  async listPars(filter: AdminCallOptions & { readonly bucket?: string } = {}): Promise<ServerParInfo[]> {
    const query = filter.bucket === undefined ? '' : `?bucket=${encodeURIComponent(filter.bucket)}`;
    const body = (await this.#call('GET', `pars${query}`, undefined, filter)) as { pars?: unknown };
    if (!Array.isArray(body?.pars))
      throw new FormatError('the server sent a malformed Par list', { field: 'pars' });
    return body.pars.map(parInfo);
  }

  /**
   * One live Par's registry entry.
   *
   * @param id - the Par's id (`par.id`)
   * @param options - cancellation
   * @throws NotFoundError when it is closed, expired or unknown
   */
  async getPar(id: string, options: AdminCallOptions = {}): Promise<ServerParInfo> {
    if (typeof id !== 'string' || id === '') throw new TypeError('id must be a non-empty string');
    return parInfo(await this.#call('GET', `pars/${encodeURIComponent(id)}`, undefined, options));
  }

  /**
   * Close (revoke) a Par: every later request through it is refused.
   *
   * @param par - the Par, or its id
   * @param options - cancellation
   * @throws NotFoundError when it is already closed, expired or unknown
   */
  async closePar(par: Par | string, options: AdminCallOptions = {}): Promise<void> {
    const id = typeof par === 'string' ? par : par.id;
    if (typeof id !== 'string' || id === '') throw new TypeError('par must be a server Par or its id');
    await this.#call('DELETE', `pars/${encodeURIComponent(id)}`, undefined, options);
  }

  /** The safe summary: the URL only. */
  toJSON(): { readonly url: string } {
    return { url: this.url };
  }

  /** One line for logs (no key). */
  toString(): string {
    return `ParkitAdmin(${this.url})`;
  }

  /** What Node's `util.inspect` shows (no key). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
