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
import type { AccessOptions, OperationOptions } from './options.js';
import { readAll, readToFile, type SavedFile, type TransferOptions } from './transfer.js';

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

  /** @internal Use `par.read(identity)`. */
  constructor(par: Par<ObjectTarget>, endpoint: ObjectEndpoint, options: AccessOptions = {}) {
    this.par = par;
    this.endpoint = endpoint;
    this.options = options;
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
   * The object's bytes.
   *
   * @param options - cancellation and progress
   * @throws NotFoundError, PermissionError, ExpiredError, TransferError
   */
  async getObject(options: TransferOptions = {}): Promise<Uint8Array> {
    guard(this.par, 'read', this.options);
    return readAll(this.endpoint, options);
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
   * The object as a web stream (or a byte range of it).
   *
   * @param options - cancellation and an optional byte range
   */
  async getObjectStream(
    options: OperationOptions & { readonly range?: ByteRange } = {},
  ): Promise<ReadableStream<Uint8Array>> {
    guard(this.par, 'read', this.options);
    return (await this.endpoint.read(options)).body;
  }

  /**
   * Download the object to a local file. The file appears only once complete and verified; on
   * failure nothing is left at `path`. Node, Deno and Bun only.
   *
   * @param path - destination path
   * @param options - cancellation and progress
   * @throws NotSupportedError in a browser
   */
  async getObjectAsFile(path: string, options: TransferOptions = {}): Promise<SavedFile> {
    guard(this.par, 'read', this.options);
    return readToFile(this.endpoint, path, options);
  }
}
