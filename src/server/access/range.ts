/**
 * The `Range` header (RFC 9110 §14): one `bytes=` range, as a start and an inclusive end.
 *
 * @module
 */

/** An inclusive byte range, or `'unsatisfiable'` (answer 416), or undefined (send it whole). */
export type RangeResult = { readonly start: number; readonly end: number } | 'unsatisfiable' | undefined;

/**
 * Resolve a Range header against an object size. Several ranges, other units and malformed
 * headers are ignored (RFC 9110 allows sending the whole object then).
 *
 * @param header - the Range header, if any
 * @param size - the object size
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
