/**
 * `AzureIssuer`: mints Azure Blob Storage service SAS URLs and sealed Pars (driver `azure`) with
 * the account key, and manages the stored access policies that make such Pars revocable.
 * Web-standard (HMAC on @noble/hashes, fetch); no Azure SDK.
 *
 * @module
 */
import type { DateTime } from 'luxon';
import { ConflictError, NotFoundError, NotSupportedError } from '../../par/errors.js';
import { type Clock, readClock, systemClock, toUtc } from '../../par/expiry.js';
import { Par, type RandomSource } from '../../par/par.js';
import { normalisePermissions, type Permission } from '../../par/permissions.js';
import type { BucketTarget, ObjectTarget } from '../../par/target.js';
import type { Recipient } from '../../seal/keys.js';
import { type AccountAccess, decodeAccountKey } from './account.js';
import { blobPath, checkAccountName, checkBlobName, checkContainerName } from './names.js';
import {
  type AzureStoredPolicy,
  type ContainerAcl,
  getContainerAcl,
  MAX_AZURE_STORED_POLICIES,
  setContainerAcl,
} from './policies.js';
import { AZURE_SAS_VERSION, type AzureResponseHeaders, MIN_AZURE_SAS_VERSION, sasToken } from './sas.js';
import {
  type AzureIpRange,
  type AzureSasProtocol,
  canonicalLetters,
  checkPolicyId,
  lettersFor,
  permissionsFor,
} from './sas-fields.js';
import {
  type AzureInstant,
  type AzureLifetime,
  type AzureSasOptions,
  checkWindow,
  resolveSas,
  resolveSasExpiry,
} from './sas-options.js';

/** How to reach and sign for one storage account. */
export interface AzureIssuerOptions {
  /** The storage account name (3 to 24 lowercase letters and digits). */
  readonly accountName: string;
  /** The account key, base64 as the Azure portal shows it. Kept private; never shown. */
  readonly accountKey: string;
  /**
   * The Blob service endpoint (default `https://{account}.blob.core.windows.net`). For Azurite,
   * the path-style `http://127.0.0.1:10000/devstoreaccount1`.
   */
  readonly endpoint?: string;
  /** Clock for SAS times and expiry checks (default: the system clock). */
  readonly now?: Clock;
  /** The fetch used to manage stored access policies (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Signed version `sv` (default {@link AZURE_SAS_VERSION}; 2020-12-06 or later). */
  readonly version?: string;
  /** Randomness for stored policy ids. */
  readonly random?: RandomSource;
}

/** A Par on one blob or on a container, as {@link AzureIssuer.createPar} takes it. */
export interface AzureParOptions {
  /** The container. */
  readonly container: string;
  /** The blob, for an object Par. */
  readonly blob?: string;
  /**
   * For a container Par: only keys under this prefix. An Azure SAS cannot be limited to a
   * prefix — the token reaches the whole container — so this needs `prefixEnforcement: 'client'`.
   */
  readonly prefix?: string;
  /** Accept that parkit's readers and writers, not the token, enforce `prefix`. */
  readonly prefixEnforcement?: 'client';
  /**
   * What the Par allows: `read` (SAS `r`), `write` (`c` + `w`), `delete` (`d`), and for a
   * container `list` (`l`). With `policy`, defaults to what the policy grants.
   */
  readonly permissions?: readonly Permission[];
  /** When the SAS stops working. Give this or `expiresIn` (unless the stored policy sets it). */
  readonly expires?: AzureInstant;
  /** How long the SAS works: seconds, a Duration, or `{ hours: 2 }`. */
  readonly expiresIn?: AzureLifetime;
  /** When the SAS starts to work (default: at once). */
  readonly start?: AzureInstant;
  /** Who can open the Par: `age1…` recipients or one `{ passphrase }`. */
  readonly recipients: readonly Recipient[];
  /** A label for the Par. */
  readonly name?: string;
  /**
   * Create a stored access policy for this Par alone (the SAS names it in `si`), so that
   * {@link AzureIssuer.revoke} ends the Par at once. A container holds at most five.
   */
  readonly revocable?: boolean;
  /** Bind the SAS to this existing stored access policy of the container instead. */
  readonly policy?: string;
  /** Accept requests only from this IPv4 address or range (`sip`). */
  readonly ipRange?: AzureIpRange;
  /** `https` only, or `https,http` (default: `https` for an https endpoint). */
  readonly protocol?: AzureSasProtocol;
  /** Response headers the store sends on reads (`rscd` Content-Disposition, `rsct` Content-Type, …). */
  readonly responseHeaders?: AzureResponseHeaders;
  /** Cancels the stored-policy requests. */
  readonly signal?: AbortSignal;
}

/** A stored access policy to create or replace with {@link AzureIssuer.setPolicy}. */
export interface AzurePolicyOptions {
  /** The policy id (1 to 64 printable ASCII characters). */
  readonly id: string;
  /** parkit permissions, or SAS letters (`racwdl`); absent: each SAS must state its own. */
  readonly permissions?: readonly Permission[] | string;
  /** When SAS bound to it start to work. */
  readonly start?: AzureInstant;
  /** When SAS bound to it stop working (or `expiresIn`); absent: each SAS must state its own. */
  readonly expires?: AzureInstant;
  /** How long from now SAS bound to it work. */
  readonly expiresIn?: AzureLifetime;
}

/** Prefix of the ids of the policies {@link AzureIssuer.createPar} makes for revocable Pars. */
export const AZURE_PARKIT_POLICY_PREFIX = 'parkit-';

const systemRandom: RandomSource = (length) => crypto.getRandomValues(new Uint8Array(length));

function checkEndpoint(endpoint: unknown, account: string): string {
  if (endpoint === undefined) return `https://${account}.blob.core.windows.net`;
  if (typeof endpoint !== 'string') throw new TypeError('endpoint must be a URL string');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError('endpoint must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError('endpoint must be an http(s) URL');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError('endpoint must not carry a query, fragment or credentials');
  }
  return url.href.replace(/\/+$/, '');
}

function checkVersion(version: unknown): string {
  if (version === undefined) return AZURE_SAS_VERSION;
  if (typeof version !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(version)) {
    throw new TypeError('version must be an Azure service version such as 2025-11-05');
  }
  if (version < MIN_AZURE_SAS_VERSION)
    throw new RangeError(`version must be ${MIN_AZURE_SAS_VERSION} or later`);
  return version;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Mints Azure Blob Storage service SAS (on a blob or a container) and wraps them as sealed
 * Pars; manages the container's stored access policies that make Pars revocable.
 *
 * The account key is held privately: `toString`, `JSON.stringify` and `inspect` show only the
 * account name and endpoint.
 *
 * @example
 * ```ts
 * const issuer = new AzureIssuer({ accountName: 'myaccount', accountKey: process.env.AZURE_KEY! });
 * const par = await issuer.createPar({
 *   container: 'reports',
 *   blob: '2026/q3.csv',
 *   permissions: ['read'],
 *   expiresIn: { hours: 2 },
 *   recipients: [recipient],
 *   revocable: true,
 * });
 * // later, before it expires:
 * await issuer.revoke(par);
 * ```
 */
export class AzureIssuer {
  /** The storage account name. */
  readonly accountName: string;
  /** The Blob service endpoint, without a trailing slash. */
  readonly endpoint: string;
  /** The signed version (`sv`) written into every SAS. */
  readonly version: string;
  readonly #key: Uint8Array;
  readonly #now: Clock;
  readonly #fetch: typeof fetch;
  readonly #random: RandomSource;
  readonly #queues = new Map<string, Promise<unknown>>();

  /**
   * @param options - account, key, endpoint, clock, transport
   * @throws TypeError / RangeError naming the bad option (the key is never quoted)
   */
  constructor(options: AzureIssuerOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.accountName = checkAccountName(options.accountName);
    this.#key = decodeAccountKey(options.accountKey);
    this.endpoint = checkEndpoint(options.endpoint, this.accountName);
    this.version = checkVersion(options.version);
    this.#now = options.now ?? systemClock;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#random = options.random ?? systemRandom;
    Object.freeze(this);
  }

  get #access(): AccountAccess {
    return {
      account: this.accountName,
      key: this.#key,
      version: this.version,
      fetch: this.#fetch,
      now: () => readClock(this.#now),
    };
  }

  #containerUrl(container: string): string {
    return `${this.endpoint}/${container}`;
  }

  /**
   * A service SAS URL for a blob (`blob` given) or a whole container.
   *
   * @param options - container, blob, SAS letters, times, policy, limits
   * @returns the URL with its SAS token; treat it as a secret
   * @throws TypeError / RangeError naming the bad field
   * @example
   * ```ts
   * const url = issuer.sasUrl({ container: 'reports', blob: 'q3.csv', permissions: 'r', expiresIn: 600 });
   * ```
   */
  sasUrl(options: AzureSasOptions): string {
    const resolved = resolveSas(options, {
      account: this.accountName,
      version: this.version,
      now: readClock(this.#now),
      defaultProtocol: this.endpoint.startsWith('https:') ? 'https' : 'https,http',
    });
    const path =
      resolved.blob === undefined
        ? this.#containerUrl(resolved.container)
        : `${this.#containerUrl(resolved.container)}/${blobPath(resolved.blob)}`;
    return `${path}?${sasToken(resolved.fields, this.#key)}`;
  }

  /**
   * Mint a sealed Par (driver `azure`) around a service SAS: an object Par for `blob`, a bucket
   * Par for the container. With `revocable: true` the SAS is bound to a stored access policy of
   * its own, which {@link AzureIssuer.revoke} removes.
   *
   * @param options - target, permissions, expiry, recipients, policy and limits
   * @returns the Par
   * @throws TypeError / RangeError naming the bad field; ConflictError when the container already
   *   has five stored access policies; NotFoundError for an unknown `policy` or container
   */
  createPar(options: AzureParOptions & { readonly blob: string }): Promise<Par<ObjectTarget>>;
  createPar(options: AzureParOptions & { readonly blob?: undefined }): Promise<Par<BucketTarget>>;
  createPar(options: AzureParOptions): Promise<Par<ObjectTarget> | Par<BucketTarget>>;
  async createPar(options: AzureParOptions): Promise<Par<ObjectTarget> | Par<BucketTarget>> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const container = checkContainerName(options.container);
    const target = this.#target(options, container);
    if (options.revocable === true && options.policy !== undefined) {
      throw new TypeError('give revocable or policy, not both');
    }
    const now = readClock(this.#now);
    const common = {
      container,
      ...(options.blob === undefined ? {} : { blob: options.blob }),
      ...(options.ipRange === undefined ? {} : { ipRange: options.ipRange }),
      ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
      ...(options.responseHeaders === undefined ? {} : { responseHeaders: options.responseHeaders }),
    };
    if (options.policy !== undefined) return this.#parOnPolicy(options, target, common, now);
    if (options.permissions === undefined) throw new TypeError('permissions are required');
    const permissions = normalisePermissions(options.permissions, target);
    const requested = resolveSasExpiry(options, now);
    if (requested === undefined) throw new TypeError('expires or expiresIn is required');
    const start = options.start === undefined ? undefined : toUtc(options.start, 'start');
    const expires = checkWindow(start, requested, now);
    const letters = lettersFor(permissions);
    if (options.revocable !== true) {
      const url = this.sasUrl({
        ...common,
        permissions: letters,
        expires,
        ...(options.start === undefined ? {} : { start: options.start }),
      });
      return this.#mint(url, target, permissions, expires, options, undefined, now);
    }
    const id = `${AZURE_PARKIT_POLICY_PREFIX}${hex(this.#random(16))}`;
    const policy: AzureStoredPolicy = {
      id,
      permissions: letters,
      expires,
      ...(start === undefined ? {} : { start }),
    };
    // Check every SAS field before the policy exists, so a mistake leaves nothing behind.
    const url = this.sasUrl({ ...common, policy: id });
    await this.#addPolicy(container, policy, now, options.signal);
    try {
      return await this.#mint(url, target, permissions, expires, options, id, now);
    } catch (error) {
      await this.removePolicy(container, id).catch(() => undefined);
      throw error;
    }
  }

  #target(options: AzureParOptions, container: string): ObjectTarget | BucketTarget {
    if (options.blob !== undefined) {
      if (options.prefix !== undefined) throw new TypeError('give blob or prefix, not both');
      return { kind: 'object', bucket: container, key: checkBlobName(options.blob) };
    }
    if (options.prefix === undefined || options.prefix === '') return { kind: 'bucket', bucket: container };
    if (options.prefixEnforcement !== 'client') {
      throw new RangeError(
        "prefix: an Azure SAS cannot be limited to a key prefix — the token reaches the whole container. Pass prefixEnforcement: 'client' to accept that only parkit's readers and writers keep to the prefix",
      );
    }
    if (typeof options.prefix !== 'string') throw new TypeError('prefix must be a string');
    return { kind: 'bucket', bucket: container, prefix: options.prefix };
  }

  async #parOnPolicy(
    options: AzureParOptions,
    target: ObjectTarget | BucketTarget,
    common: Omit<AzureSasOptions, 'permissions' | 'expires' | 'expiresIn' | 'start' | 'policy'>,
    now: DateTime,
  ): Promise<Par<ObjectTarget> | Par<BucketTarget>> {
    const id = checkPolicyId(options.policy);
    const { policies } = await getContainerAcl(
      this.#access,
      this.#containerUrl(common.container),
      options.signal,
    );
    const policy = policies.find((candidate) => candidate.id === id);
    if (policy === undefined) {
      throw new NotFoundError(
        `container ${JSON.stringify(common.container)} has no stored access policy ${JSON.stringify(id)}`,
      );
    }
    const granted = (letters: string) =>
      permissionsFor(letters).filter((permission) => target.kind === 'bucket' || permission !== 'list');
    let permissions: Permission[];
    if (policy.permissions !== undefined) {
      permissions = normalisePermissions(granted(policy.permissions), target);
      if (options.permissions !== undefined) {
        const asked = normalisePermissions(options.permissions, target);
        if (asked.join() !== permissions.join()) {
          throw new RangeError(
            `permissions: policy ${JSON.stringify(id)} grants ${permissions.join(', ')}; a SAS bound to it cannot grant anything else`,
          );
        }
      }
    } else {
      if (options.permissions === undefined)
        throw new TypeError(`permissions are required: policy ${JSON.stringify(id)} sets none`);
      permissions = normalisePermissions(options.permissions, target);
    }
    const asked = resolveSasExpiry(options, now);
    if (policy.expires !== undefined && asked !== undefined) {
      throw new TypeError(
        `expires: policy ${JSON.stringify(id)} sets the expiry; a SAS bound to it cannot say another`,
      );
    }
    if (policy.start !== undefined && options.start !== undefined) {
      throw new TypeError(
        `start: policy ${JSON.stringify(id)} sets the start; a SAS bound to it cannot say another`,
      );
    }
    const expiry = policy.expires ?? asked;
    if (expiry === undefined)
      throw new TypeError(`expires or expiresIn is required: policy ${JSON.stringify(id)} sets no expiry`);
    const expires = checkWindow(policy.start, expiry, now);
    const url = this.sasUrl({
      ...common,
      policy: id,
      ...(policy.permissions === undefined ? { permissions: lettersFor(permissions) } : {}),
      ...(policy.expires === undefined ? { expires } : {}),
      ...(options.start === undefined ? {} : { start: options.start }),
    });
    return this.#mint(url, target, permissions, expires, options, id, now);
  }

  #mint(
    url: string,
    target: ObjectTarget | BucketTarget,
    permissions: readonly Permission[],
    expires: DateTime,
    options: AzureParOptions,
    id: string | undefined,
    created: DateTime,
  ): Promise<Par<ObjectTarget> | Par<BucketTarget>> {
    return Par.create<ObjectTarget | BucketTarget>({
      url,
      driver: 'azure',
      target,
      permissions,
      expires,
      recipients: options.recipients,
      // The instant the SAS times were checked against, so the Par agrees with its SAS.
      created,
      now: this.#now,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(id === undefined ? {} : { id }),
    }) as Promise<Par<ObjectTarget> | Par<BucketTarget>>;
  }

  // Changes to one container's policies are made one at a time (read, change, write back).
  #serial<T>(container: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(container) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.#queues.set(container, settled);
    void settled.then(() => {
      if (this.#queues.get(container) === settled) this.#queues.delete(container);
    });
    return next;
  }

  async #addPolicy(container: string, policy: AzureStoredPolicy, now: DateTime, signal?: AbortSignal) {
    await this.#serial(container, async () => {
      const url = this.#containerUrl(container);
      const acl = await getContainerAcl(this.#access, url, signal);
      // Expired policies parkit made for revocable Pars are dead weight: make room by dropping them.
      const kept = acl.policies.filter(
        (existing) =>
          !(
            existing.id.startsWith(AZURE_PARKIT_POLICY_PREFIX) &&
            existing.expires !== undefined &&
            existing.expires <= now
          ),
      );
      if (kept.length >= MAX_AZURE_STORED_POLICIES) {
        throw new ConflictError(
          `container ${JSON.stringify(container)} already has ${MAX_AZURE_STORED_POLICIES} stored access policies, Azure's limit: revoke one (issuer.revoke or removePolicy) or let a revocable Par expire`,
          { context: { container, limit: MAX_AZURE_STORED_POLICIES } },
        );
      }
      await setContainerAcl(this.#access, url, { ...acl, policies: [...kept, policy] }, signal);
    });
  }

  /**
   * The container's stored access policies.
   *
   * @param container - the container
   * @param options - cancellation
   * @throws NotFoundError when the container does not exist
   */
  async listPolicies(
    container: string,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<AzureStoredPolicy[]> {
    const acl = await getContainerAcl(
      this.#access,
      this.#containerUrl(checkContainerName(container)),
      options.signal,
    );
    return [...acl.policies];
  }

  /**
   * Create or replace one stored access policy of a container (the others are kept).
   *
   * @param container - the container
   * @param policy - id, permissions, start, expiry
   * @param options - cancellation
   * @returns the policy as stored
   * @throws ConflictError when the container already holds five other policies
   */
  async setPolicy(
    container: string,
    policy: AzurePolicyOptions,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<AzureStoredPolicy> {
    checkContainerName(container);
    if (typeof policy !== 'object' || policy === null) throw new TypeError('policy must be an object');
    const id = checkPolicyId(policy.id, 'policy.id');
    const now = readClock(this.#now);
    const letters =
      policy.permissions === undefined
        ? undefined
        : typeof policy.permissions === 'string'
          ? canonicalLetters(policy.permissions, 'c', 'policy.permissions')
          : lettersFor(normalisePermissions(policy.permissions, { kind: 'bucket' }));
    const start = policy.start === undefined ? undefined : toUtc(policy.start, 'policy.start');
    const requested = resolveSasExpiry(policy, now);
    const expires = requested === undefined ? undefined : checkWindow(start, requested, now);
    const stored: AzureStoredPolicy = {
      id,
      ...(letters === undefined ? {} : { permissions: letters }),
      ...(start === undefined ? {} : { start: start.startOf('second') }),
      ...(expires === undefined ? {} : { expires }),
    };
    await this.#serial(container, async () => {
      const url = this.#containerUrl(container);
      const acl: ContainerAcl = await getContainerAcl(this.#access, url, options.signal);
      const others = acl.policies.filter((existing) => existing.id !== id);
      if (others.length >= MAX_AZURE_STORED_POLICIES) {
        throw new ConflictError(
          `container ${JSON.stringify(container)} already has ${MAX_AZURE_STORED_POLICIES} stored access policies, Azure's limit`,
          { context: { container, limit: MAX_AZURE_STORED_POLICIES } },
        );
      }
      await setContainerAcl(this.#access, url, { ...acl, policies: [...others, stored] }, options.signal);
    });
    return stored;
  }

  /**
   * Remove one stored access policy: every SAS bound to it stops working (on Azure within 30
   * seconds; at once on Azurite).
   *
   * @param container - the container
   * @param id - the policy id
   * @param options - cancellation
   * @returns whether a policy of that id existed
   */
  async removePolicy(
    container: string,
    id: string,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<boolean> {
    checkContainerName(container);
    checkPolicyId(id, 'id');
    return this.#serial(container, async () => {
      const url = this.#containerUrl(container);
      const acl = await getContainerAcl(this.#access, url, options.signal);
      const kept = acl.policies.filter((existing) => existing.id !== id);
      if (kept.length === acl.policies.length) return false;
      await setContainerAcl(this.#access, url, { ...acl, policies: kept }, options.signal);
      return true;
    });
  }

  /**
   * Revoke a Par by removing the stored access policy its SAS is bound to. A Par made with
   * `policy` shares that policy: revoking it revokes every Par bound to the same policy.
   *
   * @param par - an `azure` Par minted with `revocable: true` or `policy`
   * @param options - cancellation
   * @returns whether the policy still existed
   * @throws NotSupportedError when the Par's SAS is bound to no stored policy
   */
  async revoke(par: Par, options: { readonly signal?: AbortSignal } = {}): Promise<boolean> {
    if (typeof par !== 'object' || par === null || par.driver !== 'azure')
      throw new TypeError('par must be an azure Par');
    const container = par.target.kind === 'calculation' ? undefined : par.target.bucket;
    if (par.id === undefined || container === undefined) {
      throw new NotSupportedError(
        `this Azure Par's SAS is bound to no stored access policy, so nothing can revoke it: it stays valid until ${par.expires.toISO()} unless the account key is regenerated (mint with revocable: true next time)`,
        { context: { fingerprint: par.fingerprint() } },
      );
    }
    return this.removePolicy(container, par.id, options);
  }

  /** A safe one-line description (no key). */
  toString(): string {
    return `AzureIssuer(account ${this.accountName}, endpoint ${this.endpoint})`;
  }

  /** The safe summary: account name, endpoint and version. */
  toJSON(): { accountName: string; endpoint: string; version: string } {
    return { accountName: this.accountName, endpoint: this.endpoint, version: this.version };
  }

  /** What Node's `util.inspect` shows: the safe summary. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** What Deno's `console.log` shows: the safe summary. */
  [Symbol.for('Deno.customInspect')](): string {
    return this.toString();
  }
}
