/**
 * Listing cursors: opaque base64url JSON the server hands out as `next` and takes back as
 * `cursor`. What a cursor holds is each listing's own; this is the envelope.
 *
 * @internal
 * @module
 */
import { assertSafeKeys } from '../../par/metadata.js';
import { ApiError } from './api-error.js';

/** The refusal of a cursor no listing of this kind handed out. */
export const invalidCursor = () =>
  new ApiError(400, 'INVALID_CURSOR', 'cursor is not a cursor this listing handed out');

/**
 * Encode a cursor.
 *
 * @param cursor - any JSON value
 */
export function encodeCursor(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/**
 * Decode a cursor's JSON (its fields are for the listing to check).
 *
 * @param text - the `cursor` parameter
 * @param maxLength - the longest cursor the listing hands out
 * @throws ApiError 400 `INVALID_CURSOR`
 */
export function decodeCursor(text: string, maxLength: number): unknown {
  if (text.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalidCursor();
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    assertSafeKeys(value);
    return value;
  } catch {
    throw invalidCursor();
  }
}
