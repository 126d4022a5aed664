/**
 * Pagination of the flows API: `?limit=` (default 15, at most 1000) and `?cursor=` (opaque,
 * handed out as `next`), answered as `{ items, next? }`.
 *
 * @internal
 * @module
 */
import { assertSafeKeys } from '../../par/metadata.js';
import { ApiError } from '../http/api-error.js';
import { encodeCursor } from '../observe/cursor.js';

/** Items per page by default (as AERO). */
export const DEFAULT_PAGE = 15;
/** Most items per page. */
export const MAX_PAGE = 1000;

/**
 * The page size asked for.
 *
 * @throws ApiError 400 `INVALID_QUERY`
 */
export function pageLimit(params: URLSearchParams): number {
  const text = params.get('limit');
  if (text === null) return DEFAULT_PAGE;
  const limit = Number(text);
  if (!/^\d{1,4}$/.test(text) || limit < 1 || limit > MAX_PAGE)
    throw new ApiError(400, 'INVALID_QUERY', `limit must be an integer from 1 to ${MAX_PAGE}`);
  return limit;
}

/**
 * Where a listing resumes: the string position its cursor carries, if any.
 *
 * @param params - the query
 * @param kind - the listing the cursor must come from
 * @throws ApiError 400 `INVALID_CURSOR`
 */
export function pageStart(params: URLSearchParams, kind: string): string | undefined {
  const text = params.get('cursor');
  if (text === null) return undefined;
  const bad = () => new ApiError(400, 'INVALID_CURSOR', 'cursor is not a cursor this listing handed out');
  if (text.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(text)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    assertSafeKeys(value);
  } catch {
    throw bad();
  }
  const cursor = value as { k?: unknown; s?: unknown } | null;
  if (typeof cursor !== 'object' || cursor === null || cursor.k !== kind || typeof cursor.s !== 'string')
    throw bad();
  return cursor.s;
}

/** The cursor that resumes a listing of `kind` at `start`. */
export function cursorAt(kind: string, start: string): string {
  return encodeCursor({ k: kind, s: start });
}
