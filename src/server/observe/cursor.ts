/**
 * Cursors of sequence-level listings (in the envelope of `http/cursor.ts`): a cursor names the
 * slot to resume at (its index id), optionally the last submission already given in it (`a`)
 * or that the slot is done (`x`).
 *
 * @internal
 * @module
 */
import { decodeCursor, invalidCursor } from '../http/cursor.js';

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
 * Decode a cursor of a sequence-level listing.
 *
 * @param text - the `cursor` parameter
 * @param prefix - what its slot index id must start with (the sequence)
 * @param order - the listing's order
 * @throws ApiError 400 `INVALID_CURSOR`
 */
export function decodeWalkCursor(text: string, prefix: string, order: 'oldest' | 'newest'): WalkCursor {
  const cursor = decodeCursor(text, 1024) as Partial<WalkCursor> | null;
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
    throw invalidCursor();
  }
  return cursor as WalkCursor;
}
