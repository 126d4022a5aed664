/**
 * Paging a sorted key listing the way `BucketEndpoint.list` promises: keys under a prefix,
 * grouped by a delimiter into common prefixes, one page after a continuation. For dialects whose
 * store hands over the whole listing at once (a local directory, a web directory index).
 *
 * @internal
 * @module
 */
import type { ListedObject, ListPage, ListRequest } from '../endpoint.js';

/**
 * One page of `objects` (sorted by key) for `request`.
 *
 * @param objects - every object under the request's prefix, in key order
 * @param request - prefix, delimiter, page size, continuation
 */
export function pageOf(objects: readonly ListedObject[], request: ListRequest): ListPage {
  const prefix = request.prefix ?? '';
  const delimiter = request.delimiter;
  const entries: { readonly name: string; readonly object?: ListedObject }[] = [];
  for (const object of objects) {
    if (!object.key.startsWith(prefix)) continue;
    const at = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1;
    if (at < 0) entries.push({ name: object.key, object });
    else {
      const name = object.key.slice(0, at + (delimiter?.length ?? 0));
      if (entries.at(-1)?.name !== name) entries.push({ name });
    }
  }
  const after = request.continuation;
  const remaining = after === undefined ? entries : entries.filter((entry) => entry.name > after);
  const page = remaining.slice(0, request.pageSize ?? 1000);
  const last = page.at(-1);
  return {
    objects: page.flatMap((entry) => (entry.object === undefined ? [] : [entry.object])),
    prefixes: page.filter((entry) => entry.object === undefined).map((entry) => entry.name),
    ...(remaining.length > page.length && last !== undefined ? { continuation: last.name } : {}),
  };
}
