/**
 * One page of List Blobs through a container SAS: the request (`restype=container&comp=list`
 * with `prefix`, `delimiter`, `marker`, `maxresults`) and the `EnumerationResults` XML answer
 * read into a {@link ListPage}.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import { child, childrenNamed, childText, parseXml, type XmlElement } from '../../issuers/azure/xml.js';
import { FormatError } from '../../par/errors.js';
import type { ListedObject, ListPage, ListRequest } from '../endpoint.js';
import { azureCall, operationUrl, type SasAddress, withSignal } from './azure-request.js';
import type { DialectContext } from './dialect.js';

/** Largest page List Blobs returns. */
export const MAX_LIST_PAGE = 5000;

// Names Azure cannot put in XML as they are come percent-encoded, marked Encoded="true".
function nameOf(element: XmlElement | undefined): string {
  const name = child(element, 'Name');
  if (name === undefined || name.text === '')
    throw new FormatError('a listed blob has no name', { field: 'Name' });
  if (name.attributes.Encoded !== 'true') return name.text;
  try {
    return decodeURIComponent(name.text);
  } catch {
    throw new FormatError('a listed blob has a badly encoded name', { field: 'Name' });
  }
}

function listed(blob: XmlElement): ListedObject {
  const properties = child(blob, 'Properties');
  const length = childText(properties, 'Content-Length');
  const etag = childText(properties, 'Etag');
  const modified = childText(properties, 'Last-Modified');
  const lastModified = modified === undefined ? undefined : DateTime.fromHTTP(modified, { zone: 'utc' });
  return {
    key: nameOf(blob),
    ...(length !== undefined && /^\d+$/.test(length) ? { size: Number(length) } : {}),
    ...(etag === undefined || etag === '' ? {} : { etag: etag.replace(/^"|"$/g, '') }),
    ...(lastModified?.isValid ? { lastModified } : {}),
  };
}

/**
 * Read a List Blobs answer.
 *
 * @param xml - the `EnumerationResults` document
 * @returns the page
 * @throws FormatError when it is not a List Blobs answer
 */
export function parseBlobList(xml: string): ListPage {
  const root = parseXml(xml);
  if (root.name !== 'EnumerationResults') {
    throw new FormatError('the store did not answer with a blob listing', { field: 'EnumerationResults' });
  }
  const blobs = child(root, 'Blobs');
  const next = childText(root, 'NextMarker');
  return {
    objects: childrenNamed(blobs, 'Blob').map(listed),
    prefixes: childrenNamed(blobs, 'BlobPrefix').map(nameOf),
    ...(next === undefined || next === '' ? {} : { continuation: next }),
  };
}

/**
 * Fetch one page of the container's listing.
 *
 * @param context - transport
 * @param address - the container's SAS address
 * @param request - prefix, delimiter, page size, continuation, cancellation
 */
export async function listBlobs(
  context: DialectContext,
  address: SasAddress,
  request: ListRequest,
): Promise<ListPage> {
  const query = ['restype=container', 'comp=list'];
  if (request.prefix !== undefined && request.prefix !== '')
    query.push(`prefix=${encodeURIComponent(request.prefix)}`);
  if (request.delimiter !== undefined && request.delimiter !== '') {
    query.push(`delimiter=${encodeURIComponent(request.delimiter)}`);
  }
  if (request.continuation !== undefined) query.push(`marker=${encodeURIComponent(request.continuation)}`);
  if (request.pageSize !== undefined) query.push(`maxresults=${Math.min(request.pageSize, MAX_LIST_PAGE)}`);
  const response = await azureCall(
    context,
    operationUrl(address, query.join('&')),
    withSignal(request.signal),
  );
  return parseBlobList(await response.text());
}
