/**
 * Listing cursors: opaque base64url JSON the server hands out as `next` and takes back as
 * `cursor`. A cursor of a sequence-level listing names the slot to resume at (its index id),
 * optionally the last submission already given in it (`a`) or that the slot is done (`x`).
 *
 * @internal
 * @module
 */
import { assertSafeKeys } from '../../par/metadata.js';
import { invalid } from './fields.js';

/** Where a sequence-level listing resumes. */
export interface WalkCursor {
  /** The order it was handed out for. */
  readonly o: 'oldest' | 'newest';
  /** The slot index id to resume at. */
  readonly k: string;
  /** The last submission id already given in that slot. */
  readonly a?: string;
  /** The slot is done: resume after it. */
  readonly x?: 1;
}

/**
 * Encode a cursor.
 *
 * @param cursor - any JSON value
 */
export function encodeCursor(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/**
 * Decode a cursor of a sequence-level listing.
 *
 * @param text - the `cursor` parameter
 * @param prefix - what its slot index id must start with (the sequence)
 * @param order - the listing's order
 * @throws ApiError 400 `INVALID_CURSOR`
 */
export function decodeWalkCursor(text: string, prefix: string, order: 'oldest' | 'newest'): WalkCursor {
  const bad = () => invalid('INVALID_CURSOR', 'cursor is not a cursor this listing handed out');
  if (text.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(text)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    assertSafeKeys(value);
  } catch {
    throw bad();
  }
  const cursor = value as Partial<WalkCursor> | null;
  if (
    typeof cursor !== 'object' ||
    cursor === null ||
    cursor.o !== order ||
    typeof cursor.k !== 'string' ||
    !cursor.k.startsWith(prefix) ||
    (cursor.a !== undefined && typeof cursor.a !== 'string') ||
    (cursor.x !== undefined && cursor.x !== 1) ||
    Object.keys(cursor).some((key) => !['o', 'k', 'a', 'x'].includes(key))
  ) {
    throw bad();
  }
  return cursor as WalkCursor;
}
