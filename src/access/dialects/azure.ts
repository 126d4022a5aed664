/**
 * The Azure Blob Storage dialect (driver `azure`): a blob SAS reads (GET with `Range`, HEAD),
 * writes (Put Blob, or blocks through the parts contract for large objects) and deletes its one blob; a
 * container SAS lists the container (List Blobs) and reaches any blob in it, the SAS token
 * appended to each blob's URL. Requests go through `send()`; Azure's error codes become typed
 * errors. A SAS cannot revoke itself, so `close` explains who can.
 *
 * @module
 */

import { blobPath, checkBlobName } from '../../issuers/azure/names.js';
import { FormatError, NotSupportedError } from '../../par/errors.js';
import type { BucketEndpoint, ObjectEndpoint } from '../endpoint.js';
import { statFromHeaders } from '../http.js';
import { blockUploader, putBlob } from './azure-blocks.js';
import { listBlobs } from './azure-list.js';
import { azureCall, operationUrl, parseSasUrl, type SasAddress, withSignal } from './azure-request.js';
import type { Dialect, DialectContext } from './dialect.js';

/**
 * The endpoint of one blob under a SAS.
 *
 * @param address - the blob's SAS address
 * @param context - transport
 */
export function azureBlob(address: SasAddress, context: DialectContext): ObjectEndpoint {
  const url = operationUrl(address);
  return {
    async read(request) {
      const headers = new Headers();
      if (request.range !== undefined) {
        headers.set('range', `bytes=${request.range.start}-${request.range.end ?? ''}`);
      }
      const response = await azureCall(context, url, { headers, ...withSignal(request.signal) });
      const body = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return { stat: statFromHeaders(response.headers, response.status), body };
    },
    async stat(request) {
      const response = await azureCall(context, url, { method: 'HEAD', ...withSignal(request.signal) });
      return statFromHeaders(response.headers);
    },
    write(body, request) {
      return putBlob(context, address, body, request);
    },
    async remove(request) {
      const response = await azureCall(context, url, { method: 'DELETE', ...withSignal(request.signal) });
      await response.body?.cancel();
    },
    parts: blockUploader(context, address),
  };
}

function sasOf(secret: string, scope: 'b' | 'c'): SasAddress {
  const address = parseSasUrl(secret);
  if (address.scope !== scope) {
    throw new FormatError(
      scope === 'b'
        ? `this object Par holds an Azure SAS for a ${address.scope === 'c' ? 'container' : `resource of kind ${JSON.stringify(address.scope)}`}, not a blob`
        : 'this bucket Par holds an Azure SAS that is not for a container (sr=c)',
      { field: 'sr' },
    );
  }
  return address;
}

/**
 * The endpoint of a container under a container SAS.
 *
 * @param secret - the container SAS URL
 * @param context - transport
 */
export function azureContainer(secret: string, context: DialectContext): BucketEndpoint {
  const address = sasOf(secret, 'c');
  return {
    object(key) {
      const name = checkBlobName(key, 'key');
      return azureBlob({ ...address, resource: `${address.resource}/${blobPath(name)}` }, context);
    },
    list(request) {
      return listBlobs(context, address, request);
    },
  };
}

/** The Azure Blob Storage dialect. */
export const azureDialect: Dialect = {
  object: (secret, context) => azureBlob(sasOf(secret, 'b'), context),
  bucket: azureContainer,
  async close(secret, context) {
    const { policy } = parseSasUrl(secret);
    const container = context.par.target.kind === 'calculation' ? undefined : context.par.target.bucket;
    const until = context.par.expires.toISO();
    throw new NotSupportedError(
      policy === undefined
        ? `an Azure SAS cannot revoke itself, and this one is bound to no stored access policy: it stays valid until ${until} unless the account key is regenerated`
        : `an Azure SAS cannot revoke itself: revoking means removing stored access policy ${JSON.stringify(policy)} of container ${JSON.stringify(container ?? '?')}, which needs the account key (AzureIssuer.revoke(par) or removePolicy); until then it stays valid until ${until}`,
      { context: { fingerprint: context.par.fingerprint(), ...(policy === undefined ? {} : { policy }) } },
    );
  },
};
