/**
 * Writing one object through a Par.
 *
 * @module
 */
import { encodeJson } from './bytes.js';
import type { ObjectStat } from './endpoint.js';
import { guard } from './guard.js';
import { ObjectReader } from './object-reader.js';
import type { OperationOptions } from './options.js';
import { type TransferOptions, writeData, writeFromFile } from './transfer.js';

/** Options for a write. */
export interface WriteOptions extends TransferOptions {
  /** Content type to store (defaults depend on the method). */
  readonly contentType?: string;
  /**
   * The exact length of a stream, when known. Stores that need the length in advance (S3, GCS)
   * then take a stream of any size in one request; a stream that gives another length fails
   * and nothing is stored.
   */
  readonly size?: number;
}

/** Bytes to store: a byte array or a web stream. */
export type ObjectData = Uint8Array | ReadableStream<Uint8Array>;

const encoder = new TextEncoder();

/**
 * Writes (and, if the Par also grants read, reads) the object behind an object Par. Get one
 * from `par.write(identity)`.
 *
 * @example
 * ```ts
 * const writer = await par.write(identity);
 * await writer.setObjectFromJson({ rows: 3 });
 * ```
 */
export class ObjectWriter extends ObjectReader {
  /**
   * Replace the object's content. Large data goes in parts where the store takes them (see
   * `AccessOptions.parts`); a stream is sent as it is read, so it is not retried after a failure
   * (bytes and files are).
   *
   * @param data - bytes or a stream
   * @param options - content type, cancellation and progress
   * @returns what the store reports of the new version
   * @throws PermissionError, ExpiredError, TransferError
   */
  async setObject(data: ObjectData, options: WriteOptions = {}): Promise<ObjectStat> {
    guard(this.par, 'write', this.options);
    if (!(data instanceof Uint8Array) && !(data instanceof ReadableStream)) {
      throw new TypeError('data must be a Uint8Array or a ReadableStream');
    }
    return writeData(this.endpoint, this.settings, data, {
      ...options,
      contentType: options.contentType ?? 'application/octet-stream',
    });
  }

  /**
   * Store a string as UTF-8.
   *
   * @param text - the text
   * @param options - content type (default `text/plain; charset=utf-8`) and cancellation
   */
  async setStringObject(text: string, options: WriteOptions = {}): Promise<ObjectStat> {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    return this.setObject(encoder.encode(text), { contentType: 'text/plain; charset=utf-8', ...options });
  }

  /**
   * Store a value as JSON.
   *
   * @param value - anything JSON can represent
   * @param options - content type (default `application/json`) and cancellation
   */
  async setObjectFromJson(value: unknown, options: WriteOptions = {}): Promise<ObjectStat> {
    return this.setObject(encodeJson(value), { contentType: 'application/json', ...options });
  }

  /**
   * Upload a local file, streamed with bounded memory (in parts where the store takes them),
   * re-read from the start if a request must be retried. Node, Deno and Bun only.
   *
   * @param path - the file
   * @param options - content type, cancellation and progress
   * @throws NotSupportedError in a browser
   */
  async setObjectFromFile(path: string, options: WriteOptions = {}): Promise<ObjectStat> {
    guard(this.par, 'write', this.options);
    return writeFromFile(this.endpoint, this.settings, path, options);
  }

  /**
   * Delete the object (needs the delete permission).
   *
   * @param options - cancellation
   */
  async deleteObject(options: OperationOptions = {}): Promise<void> {
    guard(this.par, 'delete', this.options);
    return this.endpoint.remove(options);
  }
}
