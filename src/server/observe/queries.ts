/**
 * Reading the query parameters of the observability listings and finds.
 *
 * @internal
 * @module
 */
import type { FindDirection } from '../../observe/model.js';
import { instant, invalid } from './fields.js';
import type { SlotOrder } from './keys.js';

/**
 * An instant from the query (ISO 8601 with a zone, `YYYY-MM-DD`, or epoch ms), if given.
 *
 * @param params - the query
 * @param name - the parameter
 */
export function queryTime(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  return instant(/^\d{1,16}$/.test(value) ? Number(value) : value, name);
}

/**
 * The window `[after, before)` from the query.
 *
 * @param params - the query
 * @param required - whether both ends must be given
 */
export function queryWindow(
  params: URLSearchParams,
  required = false,
): { after: number | undefined; before: number | undefined } {
  const after = queryTime(params, 'after');
  const before = queryTime(params, 'before');
  if (required && (after === undefined || before === undefined)) {
    throw invalid('INVALID_QUERY', 'give both after and before');
  }
  if (after !== undefined && before !== undefined && before <= after) {
    throw invalid('INVALID_QUERY', 'before must be later than after');
  }
  return { after, before };
}

/**
 * The walk order (`newest` by default).
 *
 * @param params - the query
 * @param fallback - when absent
 */
export function queryOrder(params: URLSearchParams, fallback: SlotOrder = 'newest'): SlotOrder {
  const value = params.get('order') ?? fallback;
  if (value !== 'newest' && value !== 'oldest')
    throw invalid('INVALID_QUERY', 'order must be newest or oldest');
  return value;
}

/**
 * The find direction (`historic` by default, as LucoPy).
 *
 * @param params - the query
 */
export function queryDirection(params: URLSearchParams): FindDirection {
  const value = params.get('direction') ?? 'historic';
  if (value !== 'historic' && value !== 'future' && value !== 'either' && value !== 'exact') {
    throw invalid('INVALID_QUERY', 'direction must be historic, future, either or exact');
  }
  return value;
}

/**
 * A signed offset in seconds from the query, if given.
 *
 * @param params - the query
 */
export function queryOffset(params: URLSearchParams): number | undefined {
  const value = params.get('offset');
  if (value === null) return undefined;
  const seconds = /^[+-]?\d{1,12}(?:\.\d{1,3})?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(seconds)) throw invalid('INVALID_QUERY', 'offset must be a signed number of seconds');
  return seconds;
}
