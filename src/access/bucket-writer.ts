/**
 * Writing objects into a bucket (or a prefix of one) through a Par.
 *
 * @module
 */
import type { Par } from '../par/par.js';
import type { BucketTarget } from '../par/target.js';
import { encodeJson } from './bytes.js';
import type { BucketEndpoint, ObjectEndpoint, ObjectStat } from './endpoint.js';
import { guard } from './guard.js';
import { checkInScope, checkKey } from './keys.js';
import type { ObjectData, WriteOptions } from './object-writer.js';
import {
  type AccessOptions,
  type OperationOptions,
  type TransferSettings,
  transferSettings,
} from './options.js';
import { writeData, writeFromFile } from './transfer.js';

const encoder = new TextEncoder();

/**
 * Writes objects into the bucket behind a bucket Par. A prefix Par only reaches keys under its
 * prefix. Get one from `par.write(identity)`.
 *
 * @example
 * ```ts
 * const bucket = await par.write(identity);
 * await bucket.setStringObject('notes/today.txt', 'hello');
 * ```
 */
export class BucketWriter {
  /** The Par this writer uses. */
  readonly par: Par<BucketTarget>;
  readonly #endpoint: BucketEndpoint;
  readonly #options: AccessOptions;
  readonly #settings: TransferSettings;

  /** @internal Use `par.write(identity)`. */
  constructor(par: Par<BucketTarget>, endpoint: BucketEndpoint, options: AccessOptions = {}) {
    this.par = par;
    this.#endpoint = endpoint;
    this.#options = options;
    this.#settings = transferSettings(options);
  }

  #objectFor(key: string, permission: 'write' | 'delete'): ObjectEndpoint {
    guard(this.par, permission, this.#options);
    checkKey(key);
    checkInScope(key, this.par.target.prefix);
    return this.#endpoint.object(key);
  }

  /**
   * Store bytes (or a stream) at `key`: in parts where the store takes them and the data is
   * large, otherwise in one request (bytes are retried after a failure, a stream is not).
   *
   * @param key - full key
   * @param data - bytes or a stream
   * @param options - content type, cancellation, progress
   * @throws PermissionError (also for keys outside the prefix), ExpiredError, TransferError
   */
  async setObject(key: string, data: ObjectData, options: WriteOptions = {}): Promise<ObjectStat> {
    const endpoint = this.#objectFor(key, 'write');
    if (!(data instanceof Uint8Array) && !(data instanceof ReadableStream)) {
      throw new TypeError('data must be a Uint8Array or a ReadableStream');
    }
    return writeData(endpoint, this.#settings, data, {
      ...options,
      contentType: options.contentType ?? 'application/octet-stream',
    });
  }

  /**
   * Store a string as UTF-8 at `key`.
   *
   * @param key - full key
   * @param text - the text
   * @param options - content type (default `text/plain; charset=utf-8`), cancellation
   */
  async setStringObject(key: string, text: string, options: WriteOptions = {}): Promise<ObjectStat> {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    return this.setObject(key, encoder.encode(text), {
      contentType: 'text/plain; charset=utf-8',
      ...options,
    });
  }

  /**
   * Store a value as JSON at `key`.
   *
   * @param key - full key
   * @param value - anything JSON can represent
   * @param options - content type (default `application/json`), cancellation
   */
  async setObjectFromJson(key: string, value: unknown, options: WriteOptions = {}): Promise<ObjectStat> {
    return this.setObject(key, encodeJson(value), { contentType: 'application/json', ...options });
  }

  /**
   * Upload a local file to `key`, streamed with bounded memory (in parts where the store takes
   * them), re-read from the start if a request must be retried. Node, Deno and Bun only.
   *
   * @param key - full key
   * @param path - the file
   * @param options - content type, cancellation and progress
   */
  async setObjectFromFile(key: string, path: string, options: WriteOptions = {}): Promise<ObjectStat> {
    return writeFromFile(this.#objectFor(key, 'write'), this.#settings, path, options);
  }

  /**
   * Delete the object at `key` (needs the delete permission).
   *
   * @param key - full key
   * @param options - cancellation
   */
  async deleteObject(key: string, options: OperationOptions = {}): Promise<void> {
    return this.#objectFor(key, 'delete').remove(options);
  }
}
