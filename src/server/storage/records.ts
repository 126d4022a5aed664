/**
 * The server's own state as JSON documents in the store's reserved bucket: put, get, list and
 * delete documents by collection and id, with conditional create (`If-None-Match: *`) and
 * replace (`If-Match`). Bucket registry, Par registry and signing key live here; job records,
 * flows and provenance live on the same API. Because every document is an object
 * of the store, replicas sharing one store share these records.
 *
 * @module
 */
import { assertSafeKeys } from '../../par/metadata.js';
import { checkKey } from './names.js';
import { type ObjectStore, SYSTEM_BUCKET } from './store.js';

/** One stored document and its version tag (for conditional replace and delete). */
export interface StoredRecord<T> {
  readonly id: string;
  readonly value: T;
  readonly etag: string;
}

/** Options of a listing of ids. */
export interface RecordListOptions {
  /** Only ids starting with this. */
  readonly prefix?: string;
  /** Only ids at or after this. */
  readonly start?: string;
  /** Only ids strictly before this. */
  readonly end?: string;
  /** Most ids (default 1000). */
  readonly limit?: number;
}

/** A page of ids. */
export interface RecordIdPage {
  readonly ids: readonly string[];
  /** Pass as `start` for the next page. */
  readonly next?: string;
}

/** Largest record, in bytes. */
export const MAX_RECORD_BYTES = 1024 * 1024;
const COLLECTION = /^[a-z][a-z0-9-]{0,62}$/;
const SUFFIX = '.json';

function checkCollection(collection: string): string {
  if (!COLLECTION.test(collection))
    throw new TypeError(`collection ${JSON.stringify(collection)} is not a valid name`);
  return collection;
}

function checkId(id: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.includes('/')) {
    throw new TypeError('record id must be a non-empty string without "/"');
  }
  checkKey(id);
  return id;
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/**
 * JSON documents by collection and id.
 *
 * @example
 * ```ts
 * const records = new RecordStore(store);
 * await records.create('jobs', id, { state: 'queued' });
 * const job = await records.get<{ state: string }>('jobs', id);
 * await records.replace('jobs', id, { state: 'running' }, job.etag);
 * ```
 */
export class RecordStore {
  readonly #store: ObjectStore;

  /** @param store - where the documents are kept */
  constructor(store: ObjectStore) {
    this.#store = store;
  }

  #key(collection: string, id: string): string {
    return `${checkCollection(collection)}/${checkId(id)}${SUFFIX}`;
  }

  async #write<T>(
    collection: string,
    id: string,
    value: T,
    condition: { ifMatch?: string; ifNoneMatch?: '*' },
  ): Promise<StoredRecord<T>> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('record value must be representable as JSON');
    const bytes = Buffer.from(text);
    if (bytes.length > MAX_RECORD_BYTES)
      throw new RangeError(`record is larger than ${MAX_RECORD_BYTES} bytes`);
    const info = await this.#store.put(SYSTEM_BUCKET, this.#key(collection, id), once(bytes), {
      digest: false,
      ...condition,
    });
    return { id, value, etag: info.etag };
  }

  /**
   * Create a document; fails if one exists (atomic, also across replicas of a shared store).
   *
   * @param collection - e.g. `pars`
   * @param id - the document id
   * @param value - JSON-representable
   * @throws StoreError `PRECONDITION_FAILED` when it exists
   */
  create<T>(collection: string, id: string, value: T): Promise<StoredRecord<T>> {
    return this.#write(collection, id, value, { ifNoneMatch: '*' });
  }

  /**
   * Replace a document only if it is still at version `etag`.
   *
   * @param collection - the collection
   * @param id - the document id
   * @param value - the new value
   * @param etag - the version read before
   * @throws StoreError `PRECONDITION_FAILED` when it changed or vanished
   */
  replace<T>(collection: string, id: string, value: T, etag: string): Promise<StoredRecord<T>> {
    return this.#write(collection, id, value, { ifMatch: etag });
  }

  /**
   * Write a document unconditionally.
   *
   * @param collection - the collection
   * @param id - the document id
   * @param value - the value
   */
  put<T>(collection: string, id: string, value: T): Promise<StoredRecord<T>> {
    return this.#write(collection, id, value, {});
  }

  /**
   * Read a document.
   *
   * @param collection - the collection
   * @param id - the document id
   * @returns the document, or undefined
   */
  async get<T>(collection: string, id: string): Promise<StoredRecord<T> | undefined> {
    const opened = await this.#store.open(SYSTEM_BUCKET, this.#key(collection, id));
    if (opened === undefined) return undefined;
    const bytes = await opened.bytes();
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    assertSafeKeys(value);
    return { id, value: value as T, etag: opened.info.etag };
  }

  /**
   * Whether a document exists (one metadata lookup; no read of its content).
   *
   * @param collection - the collection
   * @param id - the document id
   */
  async exists(collection: string, id: string): Promise<boolean> {
    return (await this.#store.stat(SYSTEM_BUCKET, this.#key(collection, id))) !== undefined;
  }

  /**
   * Delete a document.
   *
   * @param collection - the collection
   * @param id - the document id
   * @param options - `etag`: delete only that version
   * @returns false when there was none
   */
  delete(collection: string, id: string, options: { readonly etag?: string } = {}): Promise<boolean> {
    return this.#store.remove(
      SYSTEM_BUCKET,
      this.#key(collection, id),
      options.etag === undefined ? {} : { ifMatch: options.etag },
    );
  }

  /**
   * One page of ids of a collection, in byte order.
   *
   * @param collection - the collection
   * @param options - prefix, bounds and limit
   */
  async listIds(collection: string, options: RecordListOptions = {}): Promise<RecordIdPage> {
    const base = `${checkCollection(collection)}/`;
    const limit = options.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    const page = await this.#store.list(SYSTEM_BUCKET, {
      prefix: base + (options.prefix ?? ''),
      ...(options.start === undefined ? {} : { start: base + options.start }),
      ...(options.end === undefined ? {} : { end: base + options.end }),
      limit,
    });
    const strip = (key: string) => key.slice(base.length, key.endsWith(SUFFIX) ? -SUFFIX.length : undefined);
    return {
      ids: page.objects.map((object) => strip(object.key)),
      ...(page.next === undefined ? {} : { next: strip(page.next) }),
    };
  }

  /**
   * Every document of a collection, page by page.
   *
   * @param collection - the collection
   * @param options - prefix and bounds
   */
  async *entries<T>(
    collection: string,
    options: Omit<RecordListOptions, 'limit'> = {},
  ): AsyncIterable<StoredRecord<T>> {
    let start = options.start;
    do {
      const page = await this.listIds(collection, {
        ...options,
        ...(start === undefined ? {} : { start }),
        limit: 500,
      });
      for (const id of page.ids) {
        const record = await this.get<T>(collection, id);
        if (record !== undefined) yield record;
      }
      start = page.next;
    } while (start !== undefined);
  }
}
