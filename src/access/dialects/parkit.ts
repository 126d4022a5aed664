/**
 * The `parkit` dialect: access URLs of a parkit server (the OCI PAR shape, see `oci-shape.ts`),
 * executable Pars (`parkit-runner.ts`), plus revocation: `close` proves possession of the URL with the SHA-256 of its access token
 * (Acquire's url-checksum close) at the server's `/access/v1/close`.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { FormatError } from '../../par/errors.js';
import { send } from '../http.js';
import type { Dialect } from './dialect.js';
import { ociShapeBucket } from './oci-shape.js';
import { parkitRunner } from './parkit-runner.js';
import { signedUrlObject } from './signed-url.js';

/**
 * The server base URL and the access token of a parkit access URL.
 *
 * @param url - the access URL (a secret)
 * @throws FormatError when it has no `/p/{token}/` part
 */
export function splitAccessUrl(url: string): { readonly base: string; readonly token: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FormatError('the Par does not hold a URL', { field: 'url' });
  }
  const match = /^(.*?)\/p\/([^/]+)\/n\//.exec(parsed.pathname);
  if (match === null) throw new FormatError('the Par does not hold a parkit access URL', { field: 'url' });
  return { base: `${parsed.origin}${match[1]}`, token: match[2] as string };
}

/** The `parkit` dialect. */
export const parkitDialect: Dialect = {
  object: signedUrlObject,
  bucket: ociShapeBucket,
  // Executable Pars: jobs of the server's compute service.
  runner: parkitRunner,
  async close(secret, context) {
    const { base, token } = splitAccessUrl(secret);
    if (context.par.id === undefined)
      throw new FormatError('the Par carries no server id to close', { field: 'id' });
    const response = await send(context, `${base}/access/v1/close`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: context.par.id,
        checksum: bytesToHex(sha256(new TextEncoder().encode(token))),
      }),
    });
    await response.body?.cancel();
  },
};
