/**
 * Turning streams into bytes, text and JSON, with typed errors.
 *
 * @internal
 * @module
 */

import { concatBytes } from '../par/encoding.js';
import { FormatError, TransferError } from '../par/errors.js';

/**
 * Read a whole stream.
 *
 * @param stream - the body
 * @param expectedSize - when known, the exact length the body must have
 * @throws TransferError when the length is wrong
 */
export async function collect(
  stream: ReadableStream<Uint8Array>,
  expectedSize?: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(value);
      length += value.length;
    }
  } finally {
    reader.releaseLock();
  }
  if (expectedSize !== undefined && length !== expectedSize) {
    throw new TransferError(`body was ${length} bytes, expected ${expectedSize}`);
  }
  return parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(...parts);
}

/**
 * Decode UTF-8 strictly.
 *
 * @param bytes - the content
 * @throws FormatError when the bytes are not UTF-8 text
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new FormatError('the object is not UTF-8 text', { cause });
  }
}

/**
 * Parse JSON content.
 *
 * @param bytes - the content
 * @throws FormatError when it is empty or not JSON
 */
export function decodeJson(bytes: Uint8Array): unknown {
  const text = decodeText(bytes);
  if (text.trim() === '') throw new FormatError('the object is empty, expected JSON');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FormatError('the object is not valid JSON', { cause });
  }
}

/**
 * Encode a value as JSON bytes.
 *
 * @param value - anything JSON can represent
 * @throws TypeError when it cannot be represented
 */
export function encodeJson(value: unknown): Uint8Array {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return new TextEncoder().encode(text);
}
