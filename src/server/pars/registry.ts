/**
 * The Par registry: one record per live grant (`pars/{id}`) and an expiry index
 * (`pars-by-expiry/{expires}-{id}`) for sweeping, both in the store's records.
 *
 * Revocation: a grant is live exactly while its record exists; closing deletes it. Every access
 * request checks existence in the store, so a Par closed through one replica stops working on
 * every replica at the next request. Only the answer "gone" is cached (a deleted id never comes
 * back: ids are random and created with a conditional create), because "live" could go stale.
 *
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Permission } from '../../par/permissions.js';
import type { ExecutionGrant } from '../compute/execution-grant.js';
import type { RecordStore } from '../storage/records.js';
import type { GrantScope } from './claims.js';

/** A registry entry: the non-secret facts of one grant. */
export interface ParEntry {
  readonly v: 1;
  readonly id: string;
  /** The Par's fingerprint (what audit logs name). */
  readonly fingerprint: string;
  readonly name?: string;
  readonly namespace: string;
  readonly scope: GrantScope;
  readonly permissions: readonly Permission[];
  /** ISO 8601 UTC. */
  readonly created: string;
  /** ISO 8601 UTC. */
  readonly expires: string;
  /** Hex SHA-256 of the access token: what a holder proves possession against when closing. */
  readonly tokenChecksum: string;
  /** For an executable Par: the calculation, its bound arguments, bucket grants and run limit. */
  readonly execution?: ExecutionGrant;
}

/** What listing shows of an entry (no checksum). */
export type ParListing = Omit<ParEntry, 'tokenChecksum'>;

const PARS = 'pars';
const BY_EXPIRY = 'pars-by-expiry';
const MAX_GONE = 100_000;

function expiryId(expires: string, id: string): string {
  return `${String(Date.parse(expires)).padStart(15, '0')}-${id}`;
}

/**
 * Hex SHA-256 of a token (what `Par.close` sends as proof of possession).
 *
 * @param token - the access token
 */
export function tokenChecksum(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Strip an entry to what listing shows. */
export function listing(entry: ParEntry): ParListing {
  const { tokenChecksum: _hidden, ...shown } = entry;
  return shown;
}

/** The registry of live grants. */
export class ParRegistry {
  readonly #records: RecordStore;
  readonly #gone = new Set<string>();

  /** @param records - the record store */
  constructor(records: RecordStore) {
    this.#records = records;
  }

  /** A fresh, unguessable grant id (128 random bits, hex). */
  static newId(): string {
    return randomBytes(16).toString('hex');
  }

  /**
   * Register a grant (its id must be new).
   *
   * @param entry - the grant
   */
  async add(entry: ParEntry): Promise<void> {
    // Index first: a crash between the two leaves a dangling index entry (swept harmlessly),
    // never a grant the sweeper cannot find.
    await this.#records.put(BY_EXPIRY, expiryId(entry.expires, entry.id), { id: entry.id });
    await this.#records.create(PARS, entry.id, entry);
  }

  /**
   * Whether a grant is still live (not closed, not swept). Reads the store every time unless
   * the grant is known to be gone.
   *
   * @param id - the grant id
   */
  async isLive(id: string): Promise<boolean> {
    if (this.#gone.has(id)) return false;
    if (!/^[0-9a-f]{32}$/.test(id)) return false;
    if (await this.#records.exists(PARS, id)) return true;
    this.#forget(id);
    return false;
  }

  #forget(id: string): void {
    if (this.#gone.size >= MAX_GONE) this.#gone.clear();
    this.#gone.add(id);
  }

  /**
   * One grant.
   *
   * @param id - the grant id
   */
  async get(id: string): Promise<ParEntry | undefined> {
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
    return (await this.#records.get<ParEntry>(PARS, id))?.value;
  }

  /**
   * Every live grant, optionally only those on one bucket.
   *
   * @param filter - `bucket`
   */
  async list(filter: { readonly bucket?: string } = {}): Promise<ParEntry[]> {
    const found: ParEntry[] = [];
    for await (const record of this.#records.entries<ParEntry>(PARS)) {
      const scope = record.value.scope;
      if (filter.bucket !== undefined && (scope.kind === 'calculation' || scope.bucket !== filter.bucket))
        continue;
      found.push(record.value);
    }
    return found;
  }

  /**
   * Close (revoke) a grant.
   *
   * @param id - the grant id
   * @returns false when there was no such live grant
   */
  async close(id: string): Promise<boolean> {
    const entry = await this.get(id);
    if (entry === undefined) return false;
    const removed = await this.#records.delete(PARS, id);
    await this.#records.delete(BY_EXPIRY, expiryId(entry.expires, id));
    this.#forget(id);
    return removed;
  }

  /**
   * Close a grant on behalf of its holder, who proves possession with the token's checksum.
   *
   * @param id - the grant id
   * @param checksum - hex SHA-256 of the token
   * @returns false when the grant is unknown or the proof is wrong (the same answer, on purpose)
   */
  async closeByHolder(id: string, checksum: string): Promise<boolean> {
    const entry = await this.get(id);
    if (entry === undefined || !/^[0-9a-f]{64}$/.test(checksum)) return false;
    if (!timingSafeEqual(Buffer.from(entry.tokenChecksum, 'hex'), Buffer.from(checksum, 'hex'))) return false;
    return this.close(id);
  }

  /**
   * Delete every grant that expired at or before `now`.
   *
   * @param now - epoch milliseconds
   * @returns how many were swept
   */
  async sweep(now: number): Promise<number> {
    let swept = 0;
    const end = String(now + 1).padStart(15, '0');
    for (;;) {
      const page = await this.#records.listIds(BY_EXPIRY, { end, limit: 500 });
      if (page.ids.length === 0) return swept;
      for (const indexId of page.ids) {
        const id = indexId.slice(16);
        await this.#records.delete(PARS, id);
        await this.#records.delete(BY_EXPIRY, indexId);
        this.#forget(id);
        swept++;
      }
    }
  }
}
