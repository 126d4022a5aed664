/**
 * Reading one object through a Par.
 *
 * @module
 */
import type { Par } from '../par/par.js';
import type { ObjectTarget } from '../par/target.js';
import { decodeJson, decodeText } from './bytes.js';
import type { ByteRange, ObjectEndpoint, ObjectStat } from './endpoint.js';
import { guard } from './guard.js';
import {
  type AccessOptions,
  type OperationOptions,
  type TransferSettings,
  transferSettings,
} from './options.js';
import {
  type FileDownloadOptions,
  readAll,
  readStream,
  readToFile,
  type SavedFile,
  type TransferOptions,
} from './transfer.js';

/**
 * Reads the object behind an object Par. Get one from `par.read(identity)`.
 *
 * Every method checks, before any request, that the Par is still valid (less the safety
 * buffer) and grants read.
 *
 * @example
 * ```ts
 * const reader = await par.read(identity);
 * const text = await reader.getStringObject();
 * ```
 */
export class ObjectReader {
  /** The Par this reader uses. */
  readonly par: Par<ObjectTarget>;
  /** @internal */
  protected readonly endpoint: ObjectEndpoint;
  /** @internal */
  protected readonly options: AccessOptions;
  /** @internal */
  protected readonly settings: TransferSettings;

  /** @internal Use `par.read(identity)`. */
  constructor(par: Par<ObjectTarget>, endpoint: ObjectEndpoint, options: AccessOptions = {}) {
    this.par = par;
    this.endpoint = endpoint;
    this.options = options;
    this.settings = transferSettings(options);
  }

  /**
   * Size, ETag, content type and modification time of the object.
   *
   * @param options - cancellation
   * @throws NotFoundError, PermissionError, ExpiredError, TransferError
   */
  async stat(options: OperationOptions = {}): Promise<ObjectStat> {
    guard(this.par, 'read', this.options);
    return this.endpoint.stat(options);
  }

  /**
   * The object's bytes (resumed after a broken connection, checked for length and checksum).
   *
   * @param options - cancellation and progress
   * @throws NotFoundError, PermissionError, ExpiredError, TransferError
   */
  async getObject(options: TransferOptions = {}): Promise<Uint8Array> {
    guard(this.par, 'read', this.options);
    return readAll(this.endpoint, this.settings, options);
  }

  /**
   * The object as UTF-8 text.
   *
   * @param options - cancellation
   * @throws FormatError when the object is not UTF-8 text
   */
  async getStringObject(options: TransferOptions = {}): Promise<string> {
    return decodeText(await this.getObject(options));
  }

  /**
   * The object parsed as JSON.
   *
   * @param options - cancellation
   * @throws FormatError when the object is empty or not JSON
   */
  async getObjectFromJson<T = unknown>(options: TransferOptions = {}): Promise<T> {
    return decodeJson(await this.getObject(options)) as T;
  }

  /**
   * The object (or a byte range of it) as a web stream. The stream resumes by itself after a
   * broken connection; if the object changes meanwhile, or does not match the store's checksum,
   * it errors (ConflictError, TransferError) instead of closing.
   *
   * @param options - cancellation, progress and an optional byte range
   * @throws NotFoundError, PermissionError, ExpiredError, TransferError for the first request
   */
  async getObjectStream(
    options: TransferOptions & { readonly range?: ByteRange } = {},
  ): Promise<ReadableStream<Uint8Array>> {
    guard(this.par, 'read', this.options);
    return readStream(this.endpoint, this.settings, options);
  }

  /**
   * Download the object to a local file. The file appears only once complete and verified
   * (length, and checksum where the store gives one); on failure nothing is left at `path` and a
   * previous file there is untouched. Broken connections are resumed; large objects are fetched
   * in parallel ranges (see `AccessOptions.ranges`). Node, Deno and Bun only.
   *
   * @param path - destination path
   * @param options - cancellation, progress, durability
   * @throws NotSupportedError in a browser; NotFoundError, PermissionError, ExpiredError,
   *   ConflictError (the object changed mid-download), TransferError
   */
  async getObjectAsFile(path: string, options: FileDownloadOptions = {}): Promise<SavedFile> {
    guard(this.par, 'read', this.options);
    return readToFile(this.endpoint, this.settings, path, options);
  }
}
