/**
 * Reading a bucket (or a prefix of one) through a Par.
 *
 * @module
 */
import { isParkitError } from '../par/errors.js';
import type { Par } from '../par/par.js';
import type { BucketTarget } from '../par/target.js';
import { mapLimit } from './bulk.js';
import { decodeJson, decodeText } from './bytes.js';
import type { BucketEndpoint, ListedObject, ListPage, ObjectEndpoint, ObjectStat } from './endpoint.js';
import { guard } from './guard.js';
import { checkInScope, checkKey, narrowPrefix } from './keys.js';
import {
  type AccessOptions,
  type OperationOptions,
  type TransferSettings,
  transferSettings,
} from './options.js';
import {
  type FileDownloadOptions,
  type Progress,
  readAll,
  readStream,
  readToFile,
  type SavedFile,
  type TransferOptions,
} from './transfer.js';

/** The page size asked for when every page is wanted. */
const ALL_AT_ONCE = 1_000_000;

/** Options for listing. */
export interface ListOptions extends OperationOptions {
  /** Only keys starting with this (within the Par's own prefix). */
  readonly prefix?: string;
}

/** Options for listing one page. */
export interface ListPageOptions extends ListOptions {
  readonly delimiter?: string;
  readonly pageSize?: number;
  readonly continuation?: string;
}

/** Options for bulk reads. */
export interface BulkOptions extends ListOptions {
  /** How many objects to fetch at once (default 8). */
  readonly concurrency?: number;
  /**
   * Called as objects arrive: bytes so far, and the total of the listed sizes (undefined when
   * the listing does not give every size).
   */
  readonly onProgress?: (progress: Progress) => void;
}

/** Result of {@link BucketReader.getAllStrings}. */
export interface StringsResult {
  /** Every object that is UTF-8 text, by key. */
  readonly strings: Map<string, string>;
  /** Keys of objects that are not UTF-8 text (reported, not dropped silently). */
  readonly notText: string[];
}

/**
 * Reads objects from the bucket behind a bucket Par. Keys are full keys within the bucket;
 * a prefix Par only reaches keys under its prefix. Get one from `par.read(identity)`.
 *
 * @example
 * ```ts
 * const bucket = await par.read(identity);
 * for (const key of await bucket.getAllObjectNames()) console.log(key);
 * ```
 */
export class BucketReader {
  /** The Par this reader uses. */
  readonly par: Par<BucketTarget>;
  /** @internal */
  protected readonly endpoint: BucketEndpoint;
  /** @internal */
  protected readonly options: AccessOptions;
  /** @internal */
  protected readonly settings: TransferSettings;

  /** @internal Use `par.read(identity)`. */
  constructor(par: Par<BucketTarget>, endpoint: BucketEndpoint, options: AccessOptions = {}) {
    this.par = par;
    this.endpoint = endpoint;
    this.options = options;
    this.settings = transferSettings(options);
  }

  /** @internal The endpoint of one key, after the permission, expiry and scope checks. */
  protected objectFor(key: string, permission: 'read' | 'write' | 'delete'): ObjectEndpoint {
    guard(this.par, permission, this.options);
    return this.#objectIn(key);
  }

  // The endpoint of a key once the permission is known to be granted (each request through it
  // still checks the expiry).
  #objectIn(key: string): ObjectEndpoint {
    checkKey(key);
    checkInScope(key, this.par.target.prefix);
    return this.endpoint.object(key);
  }

  /**
   * Size, ETag, content type and modification time of one object.
   *
   * @param key - full key
   * @param options - cancellation
   */
  async stat(key: string, options: OperationOptions = {}): Promise<ObjectStat> {
    return this.objectFor(key, 'read').stat(options);
  }

  /**
   * One object's bytes.
   *
   * @param key - full key
   * @param options - cancellation and progress
   * @throws NotFoundError, PermissionError (also for keys outside the prefix), ExpiredError
   */
  async getObject(key: string, options: TransferOptions = {}): Promise<Uint8Array> {
    return readAll(this.objectFor(key, 'read'), this.settings, options);
  }

  /**
   * One object as UTF-8 text.
   *
   * @param key - full key
   * @param options - cancellation
   * @throws FormatError when it is not UTF-8 text
   */
  async getStringObject(key: string, options: TransferOptions = {}): Promise<string> {
    return decodeText(await this.getObject(key, options));
  }

  /**
   * One object parsed as JSON.
   *
   * @param key - full key
   * @param options - cancellation
   * @throws FormatError when it is empty or not JSON
   */
  async getObjectFromJson<T = unknown>(key: string, options: TransferOptions = {}): Promise<T> {
    return decodeJson(await this.getObject(key, options)) as T;
  }

  /**
   * One object as a web stream, resumed after a broken connection (see
   * {@link ObjectReader.getObjectStream}).
   *
   * @param key - full key
   * @param options - cancellation and progress
   */
  async getObjectStream(key: string, options: TransferOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return readStream(this.objectFor(key, 'read'), this.settings, options);
  }

  /**
   * Download one object to a local file (complete and verified, or nothing). Node, Deno, Bun.
   *
   * @param key - full key
   * @param path - destination
   * @param options - cancellation and progress
   */
  async getObjectAsFile(key: string, path: string, options: FileDownloadOptions = {}): Promise<SavedFile> {
    return readToFile(this.objectFor(key, 'read'), this.settings, path, options);
  }

  /**
   * One page of the listing (needs the list permission).
   *
   * @param options - prefix, delimiter, page size, continuation, cancellation
   */
  async listObjects(options: ListPageOptions = {}): Promise<ListPage> {
    guard(this.par, 'list', this.options);
    const scope = narrowPrefix(this.par.target.prefix, options.prefix);
    if (scope === undefined) return { objects: [], prefixes: [] };
    if (options.pageSize !== undefined && (!Number.isInteger(options.pageSize) || options.pageSize < 1)) {
      throw new RangeError('pageSize must be a positive integer');
    }
    return this.endpoint.list({
      ...(scope.prefix === undefined ? {} : { prefix: scope.prefix }),
      ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.continuation === undefined ? {} : { continuation: options.continuation }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /**
   * Every key (all pages), in key order.
   *
   * @param options - prefix and cancellation
   */
  async getAllObjectNames(options: ListOptions = {}): Promise<string[]> {
    return (await this.#listAll(options)).map((object) => object.key);
  }

  async #listAll(options: ListOptions): Promise<ListedObject[]> {
    const objects: ListedObject[] = [];
    let continuation: string | undefined;
    do {
      const page = await this.listObjects({
        // Stores cap pages at their own maximum; those that hand over the whole listing at once
        // (web and local directories) are then walked once, not once per thousand keys.
        pageSize: ALL_AT_ONCE,
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(continuation === undefined ? {} : { continuation }),
      });
      objects.push(...page.objects);
      continuation = page.continuation;
    } while (continuation !== undefined);
    return objects;
  }

  /**
   * Every object's bytes, fetched `concurrency` at a time (each resumed and verified like
   * {@link BucketReader.getObject}). Fails fast: the first object that cannot be read stops the
   * others and its error (NotFoundError, TransferError, …, naming the object's redacted URL where
   * there is one) is thrown; nothing partial is returned.
   *
   * @param options - prefix, concurrency (default 8), cancellation and progress
   * @returns bytes by key, in key order
   * @throws RangeError for a bad concurrency; the first object's error
   */
  async getAllObjects(options: BulkOptions = {}): Promise<Map<string, Uint8Array>> {
    const concurrency = options.concurrency ?? 8;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    const listed = await this.#listAll(options);
    guard(this.par, 'read', this.options);
    const sizes = listed.map((object) => object.size);
    const total = sizes.every((size) => size !== undefined)
      ? sizes.reduce<number>((sum, size) => sum + (size as number), 0)
      : undefined;
    let loaded = 0;
    const report = options.onProgress;
    const bytes = await mapLimit(
      listed,
      concurrency,
      async (object, signal) => {
        const got = await readAll(this.#objectIn(object.key), this.settings, { signal });
        loaded += got.length;
        report?.({ loaded, total });
        return got;
      },
      options.signal,
    );
    return new Map(listed.map((object, index) => [object.key, bytes[index] as Uint8Array]));
  }

  /**
   * Every object that is UTF-8 text; the others are listed in `notText`.
   *
   * @param options - prefix, concurrency and cancellation
   */
  async getAllStrings(options: BulkOptions = {}): Promise<StringsResult> {
    const strings = new Map<string, string>();
    const notText: string[] = [];
    for (const [key, bytes] of await this.getAllObjects(options)) {
      try {
        strings.set(key, decodeText(bytes));
      } catch (error) {
        if (!isParkitError(error, 'PARKIT_INVALID_FORMAT')) throw error;
        notText.push(key);
      }
    }
    return { strings, notText };
  }
}
