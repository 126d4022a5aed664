/**
 * Pagination of the flows API: `?limit=` (default 15, at most 1000) and `?cursor=` (opaque,
 * handed out as `next`), answered as `{ items, next? }`.
 *
 * @internal
 * @module
 */
import { ApiError } from '../http/api-error.js';
import { decodeCursor, encodeCursor, invalidCursor } from '../http/cursor.js';

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
  const cursor = decodeCursor(text, 2048) as { k?: unknown; s?: unknown } | null;
  if (typeof cursor !== 'object' || cursor === null || cursor.k !== kind || typeof cursor.s !== 'string')
    throw invalidCursor();
  return cursor.s;
}

/** The cursor that resumes a listing of `kind` at `start`. */
export function cursorAt(kind: string, start: string): string {
  return encodeCursor({ k: kind, s: start });
}
