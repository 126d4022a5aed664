/**
 * The Par: plain, inspectable metadata (what, which permissions, until when, issued by which
 * driver) plus a sealed secret (the URL or token that grants access) that only the intended
 * holder can open.
 *
 * @module
 */
import type { DateTime } from 'luxon';
import type {
  BucketReader,
  BucketWriter,
  ComputeRunner,
  ObjectReader,
  ObjectWriter,
} from '../access/classes.js';
import type { AccessOptions } from '../access/options.js';
import { bindingTag, equalBytes } from '../seal/binding.js';
import type { Identity, Recipient } from '../seal/keys.js';
import { openSealed, seal } from '../seal/seal.js';
import { dataToRecord, type ParData, recordToData } from './data.js';
import { DRIVERS, type Driver, isDriver } from './driver.js';
import { ExpiredError, PermissionError, TamperError } from './errors.js';
import {
  type Clock,
  checkBuffer,
  DEFAULT_BUFFER_SECONDS,
  type ExpiresInput,
  isUsable,
  readClock,
  readClockMillis,
  resolveExpiry,
  secondsRemaining,
  systemClock,
  toUtc,
} from './expiry.js';
import { computeFingerprint } from './fingerprint.js';
import { canonicalMetadata, isoUtc, MAX_LABEL_LENGTH, type ParMetadata } from './metadata.js';
import { normalisePermissions, type Permission } from './permissions.js';
import type { ParRecord } from './record.js';
import {
  type BucketTarget,
  type CalculationTarget,
  describeTarget,
  normaliseTarget,
  type ObjectTarget,
  type Target,
} from './target.js';
import { recordToToken, tokenToRecord } from './token.js';

/** Fill `length` random bytes. Inject one for reproducible uids. */
export type RandomSource = (length: number) => Uint8Array;

const systemRandom: RandomSource = (length) => crypto.getRandomValues(new Uint8Array(length));

/** Everything needed to mint a Par around a secret. */
export interface CreateParOptions<T extends Target = Target> {
  /** The secret that grants access: a pre-signed URL, a parkit access URL, or a token. */
  readonly url: string;
  /** Which system issued the secret. */
  readonly driver: Driver;
  /** What the secret points at. */
  readonly target: T;
  /** What the secret allows. */
  readonly permissions: readonly Permission[];
  /** When the secret stops working: an instant, or a lifetime such as `{ hours: 2 }`. */
  readonly expires: ExpiresInput;
  /** Who can open it: `age1…` recipients, or one `{ passphrase }`. */
  readonly recipients: readonly Recipient[];
  /** A label chosen by the user. */
  readonly name?: string;
  /** The issuer's own identifier for the grant. */
  readonly id?: string;
  /** When the grant was made (defaults to now). */
  readonly created?: DateTime | Date | number;
  /** Clock used for `created`, relative expiry, and every later expiry check. */
  readonly now?: Clock;
  /** Randomness for the uid. */
  readonly random?: RandomSource;
}

/** The reader `read()` gives: an ObjectReader for an object Par, a BucketReader for a bucket Par. */
export type ReaderFor<T extends Target> = T extends ObjectTarget
  ? ObjectReader
  : T extends BucketTarget
    ? BucketReader
    : never;

/** The writer `write()` gives: an ObjectWriter for an object Par, a BucketWriter for a bucket Par. */
export type WriterFor<T extends Target> = T extends ObjectTarget
  ? ObjectWriter
  : T extends BucketTarget
    ? BucketWriter
    : never;

/** Options when decoding a Par. */
export interface DecodeOptions {
  /** Clock used for expiry checks. */
  readonly now?: Clock;
}

/** Options for expiry checks. */
export interface BufferOptions {
  /** Safety margin in seconds (default 30): the Par counts as expired this long before it is. */
  readonly buffer?: number;
}

/** The safe, non-secret summary of a Par (what `JSON.stringify(par)` gives). */
export interface ParSummary {
  readonly uid: string;
  readonly name?: string;
  readonly id?: string;
  readonly driver: Driver;
  readonly target: Target;
  readonly permissions: readonly Permission[];
  readonly created: string;
  readonly expires: string;
  readonly fingerprint: string;
  readonly sealed: boolean;
}

// The access layer is loaded on first use so that `par/` stays free of import cycles at load time.
const access = () => import('../access/open.js');

function uuidV4(random: RandomSource): string {
  const bytes = random(16);
  if (!(bytes instanceof Uint8Array) || bytes.length !== 16)
    throw new TypeError('random must return the bytes asked for');
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function checkLabel(value: string | undefined, argument: string): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_LABEL_LENGTH ||
    !value.isWellFormed()
  ) {
    throw new TypeError(`${argument} must be a non-empty string of at most ${MAX_LABEL_LENGTH} characters`);
  }
  return value;
}

/**
 * A pre-authenticated request: sealed, time-limited access to an object, a bucket or a
 * calculation. Immutable; methods that change something return a new Par.
 *
 * Safe to log: `toString()`, `JSON.stringify(par)` and `util.inspect(par)` show metadata and the
 * fingerprint, never the secret. Persist with {@link Par.toData} or {@link Par.toToken}.
 *
 * @typeParam T - the kind of target, known statically when the Par was created here
 * @example
 * ```ts
 * const par = await Par.create({
 *   url: 'https://example.com/report.csv',
 *   driver: 'https',
 *   target: { kind: 'object', key: 'report.csv' },
 *   permissions: ['read'],
 *   expires: { hours: 2 },
 *   recipients: [recipient],
 * });
 * const token = par.toToken();                  // hand this over
 * const reader = await Par.fromToken(token).read(identity);
 * ```
 */
export class Par<T extends Target = Target> {
  /** Unique id of this grant (UUID). */
  readonly uid: string;
  /** The user's label, if any. */
  readonly name: string | undefined;
  /** The issuer's own id for the grant, if any. */
  readonly id: string | undefined;
  /** Which system issued the secret. */
  readonly driver: Driver;
  /** What the Par points at. */
  readonly target: T;
  /** What the Par allows, in canonical order. */
  readonly permissions: readonly Permission[];
  /** When the grant was made (UTC). */
  readonly created: DateTime;
  /** When the grant stops working (UTC). */
  readonly expires: DateTime;

  readonly #record: ParRecord;
  readonly #now: Clock;
  #canonical: string | undefined;
  #fingerprint: string | undefined;

  private constructor(record: ParRecord, now: Clock) {
    const { metadata } = record;
    this.uid = metadata.uid;
    this.name = metadata.name;
    this.id = metadata.id;
    this.driver = metadata.driver;
    this.target = metadata.target as T;
    this.permissions = Object.freeze([...metadata.permissions]);
    this.created = metadata.created;
    this.expires = metadata.expires;
    this.#record = record;
    this.#now = now;
    Object.freeze(this);
  }

  /**
   * Mint a Par: validate the grant, seal the secret to the recipients, bind the metadata.
   *
   * @param options - the secret, what it grants, until when, and to whom
   * @returns the sealed Par
   * @throws TypeError / RangeError naming a bad argument (never echoing the secret)
   */
  static async create<const T extends Target>(options: CreateParOptions<T>): Promise<Par<T>> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const now = options.now ?? systemClock;
    const created = options.created === undefined ? readClock(now) : toUtc(options.created, 'created');
    if (!isDriver(options.driver)) throw new TypeError(`driver must be one of ${DRIVERS.join(', ')}`);
    const target = normaliseTarget(options.target) as T;
    const metadata: { -readonly [K in keyof ParMetadata]: ParMetadata[K] } = {
      uid: uuidV4(options.random ?? systemRandom),
      driver: options.driver,
      target,
      permissions: normalisePermissions(options.permissions, target),
      created,
      expires: resolveExpiry(options.expires, created),
    };
    const name = checkLabel(options.name, 'name');
    const id = checkLabel(options.id, 'id');
    if (name !== undefined) metadata.name = name;
    if (id !== undefined) metadata.id = id;
    const sealed = await seal(options.url, options.recipients);
    const canonical = canonicalMetadata(metadata);
    const par = new Par<T>({ metadata, bindingTag: bindingTag(options.url, canonical), sealed }, now);
    par.#canonical = canonical;
    return par;
  }

  /**
   * Rebuild a Par from {@link Par.toData} output.
   *
   * @param data - untrusted data
   * @param options - clock for later expiry checks
   * @throws FormatError naming the first bad field
   */
  static fromData(data: unknown, options: DecodeOptions = {}): Par {
    return new Par(dataToRecord(data), options.now ?? systemClock);
  }

  /**
   * Rebuild a Par from a {@link Par.toToken} string (whitespace and case are ignored).
   *
   * @param text - untrusted token text
   * @param options - clock for later expiry checks
   * @throws FormatError for a malformed or damaged token
   */
  static fromToken(text: string, options: DecodeOptions = {}): Par {
    return new Par(tokenToRecord(text), options.now ?? systemClock);
  }

  /** @internal Build a Par from an already-validated record (used by issuers and the server client). */
  static fromRecord(record: ParRecord, options: DecodeOptions = {}): Par {
    return new Par(record, options.now ?? systemClock);
  }

  /** The Par as JSON-serialisable data (superjson `{ json, meta }`, format version 1). */
  toData(): ParData {
    return recordToData(this.#record);
  }

  /** The Par as one compact line to hand over (starts with `par1`). */
  toToken(): string {
    return recordToToken(this.#record);
  }

  /**
   * The short, stable, non-secret name of this grant: the same for every holder and every
   * sealing, different for any other grant. Needs no key.
   */
  fingerprint(): string {
    this.#fingerprint ??= computeFingerprint(this.#canonicalMetadata(), this.#record.bindingTag);
    return this.#fingerprint;
  }

  // The metadata is frozen, so its canonical text is computed once.
  #canonicalMetadata(): string {
    this.#canonical ??= canonicalMetadata(this.#record.metadata);
    return this.#canonical;
  }

  /**
   * Seconds of validity left, less `buffer` (default 30), never below 0.
   *
   * @param options - the safety buffer
   * @throws RangeError for a negative or non-finite buffer
   */
  secondsRemaining(options: BufferOptions = {}): number {
    return secondsRemaining(this.expires, readClock(this.#now), options.buffer ?? DEFAULT_BUFFER_SECONDS);
  }

  /**
   * Whether no more than `buffer` seconds (default 30) of validity remain.
   *
   * @param options - the safety buffer
   */
  isExpired(options: BufferOptions = {}): boolean {
    // isUsable's rule on epoch milliseconds: no DateTime is made for "now" (checked before every request).
    const buffer = checkBuffer(options.buffer ?? DEFAULT_BUFFER_SECONDS);
    return !((this.expires.toMillis() - readClockMillis(this.#now)) / 1000 - buffer > 0);
  }

  /** Whether the Par is for a whole bucket (or a prefix of one). */
  isBucket(): this is Par<BucketTarget> {
    return this.target.kind === 'bucket';
  }

  /** Whether the Par is for one object. */
  isObject(): this is Par<ObjectTarget> {
    return this.target.kind === 'object';
  }

  /** Whether the Par is for a calculation. */
  isCalculation(): this is Par<CalculationTarget> {
    return this.target.kind === 'calculation';
  }

  /** Whether the Par carries no sealed secret (a metadata-only listing entry). */
  isNull(): boolean {
    return this.#record.sealed === undefined;
  }

  /**
   * Whether the Par grants a permission.
   *
   * @param permission - the permission to test
   */
  allows(permission: Permission): boolean {
    return this.permissions.includes(permission);
  }

  /** Whether the Par grants read access. */
  isReadable(): boolean {
    return this.allows('read');
  }

  /** Whether the Par grants write access. */
  isWritable(): boolean {
    return this.allows('write');
  }

  /** Whether the Par runs a calculation. */
  isExecutable(): boolean {
    return this.allows('execute');
  }

  /** A copy of the sealed secret as a binary age file (open it with `age -d`), if any. */
  sealedSecret(): Uint8Array | undefined {
    return this.#record.sealed?.slice();
  }

  /**
   * Open the sealed secret. Refused once no more than `buffer` seconds (default 30) remain.
   *
   * @param identity - an `AGE-SECRET-KEY-1…` identity or `{ passphrase }`
   * @param options - the safety buffer
   * @returns the URL (or token) that grants access; treat it as a secret
   * @throws ExpiredError, DecryptionError (wrong identity), TamperError (metadata or secret
   *   changed), PermissionError (null Par)
   */
  async url(identity: Identity, options: BufferOptions = {}): Promise<string> {
    const buffer = options.buffer ?? DEFAULT_BUFFER_SECONDS;
    if (!isUsable(this.expires, readClock(this.#now), buffer)) {
      throw new ExpiredError(`the Par expired or has less than ${buffer} s of validity left`, {
        context: { fingerprint: this.fingerprint(), expires: isoUtc(this.expires) },
      });
    }
    const { sealed, bindingTag: tag } = this.#record;
    if (sealed === undefined) throw new PermissionError('this Par carries no sealed secret (a null Par)');
    const secret = await openSealed(sealed, identity);
    if (!equalBytes(bindingTag(secret, this.#canonicalMetadata()), tag)) throw new TamperError();
    return secret;
  }

  /**
   * Seal the same grant to other recipients (hand it to another team). The fingerprint is unchanged.
   *
   * @param identity - an identity that opens this Par
   * @param recipients - the new recipients (the old ones are not kept)
   * @returns a new Par
   */
  async reseal(identity: Identity, recipients: readonly Recipient[]): Promise<Par<T>> {
    const secret = await this.url(identity, { buffer: 0 });
    const sealed = await seal(secret, recipients);
    return new Par<T>({ ...this.#record, sealed }, this.#now);
  }

  /**
   * Open a reader: {@link ObjectReader} for an object, {@link BucketReader} for a bucket.
   *
   * @param identity - an identity that opens this Par
   * @param options - transport and timing options
   * @throws PermissionError when the Par does not grant read; see {@link Par.url} for the rest
   */
  async read(identity: Identity, options: AccessOptions = {}): Promise<ReaderFor<T>> {
    this.#require('read');
    return (await access()).openReader(this as Par, await this.url(identity), options) as ReaderFor<T>;
  }

  /**
   * Open a writer: {@link ObjectWriter} for an object, {@link BucketWriter} for a bucket.
   *
   * @param identity - an identity that opens this Par
   * @param options - transport and timing options
   * @throws PermissionError when the Par does not grant write
   */
  async write(identity: Identity, options: AccessOptions = {}): Promise<WriterFor<T>> {
    this.#require('write');
    return (await access()).openWriter(this as Par, await this.url(identity), options) as WriterFor<T>;
  }

  /**
   * Open a {@link ComputeRunner} for a calculation Par.
   *
   * @param identity - an identity that opens this Par
   * @param options - transport and timing options
   * @throws PermissionError when the Par does not grant execute
   */
  async execute(identity: Identity, options: AccessOptions = {}): Promise<ComputeRunner> {
    this.#require('execute');
    return (await access()).openRunner(this as Par, await this.url(identity), options);
  }

  /**
   * Revoke the grant at its issuer, proving possession of the secret. Drivers that cannot
   * revoke (plain pre-signed URLs) throw NotSupportedError rather than pretend.
   *
   * @param identity - an identity that opens this Par
   * @param options - transport options
   * @throws NotSupportedError when the driver cannot revoke
   */
  async close(identity: Identity, options: AccessOptions = {}): Promise<void> {
    const secret = await this.url(identity, { buffer: 0 });
    await (await access()).closePar(this as Par, secret, options);
  }

  #require(permission: Permission): void {
    if (!this.allows(permission)) {
      throw new PermissionError(
        `this Par does not grant ${permission} (it grants ${this.permissions.join(', ')})`,
        {
          context: { fingerprint: this.fingerprint() },
        },
      );
    }
  }

  /** The safe summary (no secret): what `JSON.stringify` shows. */
  toJSON(): ParSummary {
    const summary: { -readonly [K in keyof ParSummary]: ParSummary[K] } = {
      uid: this.uid,
      driver: this.driver,
      target: this.target,
      permissions: this.permissions,
      created: isoUtc(this.created),
      expires: isoUtc(this.expires),
      fingerprint: this.fingerprint(),
      sealed: !this.isNull(),
    };
    if (this.name !== undefined) summary.name = this.name;
    if (this.id !== undefined) summary.id = this.id;
    return summary;
  }

  /** One line for logs: permissions, target, driver, expiry and fingerprint. */
  toString(): string {
    return `Par(${this.permissions.join('+')} ${describeTarget(this.target)} via ${this.driver}, expires ${isoUtc(this.expires)}, fingerprint ${this.fingerprint()})`;
  }

  /** What Node's `util.inspect` and `console.log` show: the safe summary. */
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): string {
    return inspect === undefined ? this.toString() : `Par ${inspect(this.toJSON(), options)}`;
  }

  /** What Deno's `console.log` shows: the safe summary. */
  [Symbol.for('Deno.customInspect')](): string {
    return this.toString();
  }
}
