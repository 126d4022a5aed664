/**
 * The order call: which object keys make up a product (PROTOCOLS §1, ds-stoa `order`).
 *
 * @internal
 * @module
 */
import { FormatError, NotFoundError } from '../par/errors.js';
import type { StoaPage, StoaSettings } from './options.js';
import type { StoaSession } from './session.js';

/**
 * The order URL with its query, as ds-stoa sends it (`requests` renders Python booleans as
 * `True`/`False`).
 *
 * @param settings - the product and the order endpoint
 * @param page - offset, limit and sort order
 */
export function orderUrl(settings: StoaSettings, page: StoaPage): string {
  const { product } = settings;
  const url = new URL(settings.urls.order);
  const query = url.searchParams;
  query.set('product_group_name', product.productGroupName);
  query.set('product_name', product.productName);
  query.set('workspace', product.workspace);
  query.set('owner_id', product.ownerId);
  query.set('version', product.version);
  query.set('offset', String(page.offset));
  query.set('limit', String(page.limit));
  query.set('ascending', page.ascending ? 'True' : 'False');
  return url.href;
}

/**
 * Order one page of keys.
 *
 * @param session - authorised calls
 * @param settings - the product
 * @param page - offset, limit and sort order (already checked)
 * @param signal - cancellation
 * @returns the keys, in the service's order
 * @throws NotFoundError when the service returns no key; FormatError for a reply that is not
 *   a list of keys; RemoteServiceError for a refusal
 */
export async function orderKeys(
  session: StoaSession,
  settings: StoaSettings,
  page: StoaPage,
  signal?: AbortSignal,
): Promise<string[]> {
  const body = await session.getJson(orderUrl(settings, page), 'order', signal);
  if (!Array.isArray(body) || !body.every((key) => typeof key === 'string' && key !== '')) {
    throw new FormatError('Stoa order answered something other than a list of keys', { field: 'order' });
  }
  if (body.length === 0) {
    throw new NotFoundError(
      `Stoa has no files for product ${JSON.stringify(settings.product.productName)} at offset ${page.offset}`,
      { context: { offset: page.offset, limit: page.limit } },
    );
  }
  return body as string[];
}
