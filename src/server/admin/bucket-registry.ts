/**
 * The bucket registry: one record per bucket (`buckets/{name}`) in the store's records.
 *
 * @module
 */
import { StoreError } from '../storage/errors.js';
import type { RecordStore } from '../storage/records.js';

/** A bucket as the registry keeps it. */
export interface BucketEntry {
  readonly v: 1;
  readonly name: string;
  /** ISO 8601 UTC. */
  readonly created: string;
}

const BUCKETS = 'buckets';

/** Buckets by name. */
export class BucketRegistry {
  readonly #records: RecordStore;

  /** @param records - the record store */
  constructor(records: RecordStore) {
    this.#records = records;
  }

  /**
   * Register a bucket.
   *
   * @param name - a valid bucket name
   * @param created - epoch milliseconds
   * @returns the entry, or undefined when the name is taken
   */
  async create(name: string, created: number): Promise<BucketEntry | undefined> {
    const entry: BucketEntry = { v: 1, name, created: new Date(created).toISOString() };
    try {
      await this.#records.create(BUCKETS, name, entry);
      return entry;
    } catch (error) {
      if (error instanceof StoreError && error.code === 'PRECONDITION_FAILED') return undefined;
      throw error;
    }
  }

  /**
   * Whether a bucket exists.
   *
   * @param name - the bucket name
   */
  exists(name: string): Promise<boolean> {
    return this.#records.exists(BUCKETS, name);
  }

  /**
   * One bucket.
   *
   * @param name - the bucket name
   */
  async get(name: string): Promise<BucketEntry | undefined> {
    return (await this.#records.get<BucketEntry>(BUCKETS, name))?.value;
  }

  /** Every bucket, by name. */
  async list(): Promise<BucketEntry[]> {
    const found: BucketEntry[] = [];
    for await (const record of this.#records.entries<BucketEntry>(BUCKETS)) found.push(record.value);
    return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Forget a bucket.
   *
   * @param name - the bucket name
   */
  delete(name: string): Promise<boolean> {
    return this.#records.delete(BUCKETS, name);
  }
}
