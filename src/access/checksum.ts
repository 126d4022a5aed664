/**
 * The whole-object checksums a store may report in response headers, as lowercase hex.
 *
 * Read: `x-checksum-sha256` and `x-amz-meta-sha256` (hex, parkit's own and S3 user metadata),
 * `Repr-Digest` (RFC 9530, of the whole representation, so also on a 206), and on a full 200
 * answer only (on a 206 they describe the range): `Content-MD5` (RFC 1864), `Digest` (RFC 3230),
 * `x-amz-checksum-sha256` (S3, not the composite `…-N` form of multipart objects) and the `md5` of
 * `x-goog-hash` (GCS).
 *
 * @internal
 * @module
 */

/** Checksums of a whole object, lowercase hex. */
export interface Checksums {
  readonly sha256?: string;
  readonly md5?: string;
}

function base64Hex(value: string, bytes: number): string | undefined {
  try {
    const binary = atob(value.trim());
    if (binary.length !== bytes) return undefined;
    let hex = '';
    for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, '0');
    return hex;
  } catch {
    return undefined;
  }
}

function hex(value: string | null, bytes: number): string | undefined {
  if (value === null) return undefined;
  const text = value.trim().toLowerCase();
  return text.length === bytes * 2 && /^[0-9a-f]+$/.test(text) ? text : undefined;
}

// `sha-256=:base64:, md5=:base64:` (RFC 9530 structured dictionary) or `SHA-256=base64` (RFC 3230).
function dictionary(value: string | null): Map<string, string> {
  const entries = new Map<string, string>();
  if (value === null) return entries;
  for (const part of value.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    entries.set(
      part.slice(0, at).trim().toLowerCase(),
      part
        .slice(at + 1)
        .trim()
        .replace(/^:|:$/g, ''),
    );
  }
  return entries;
}

/**
 * The checksums of the whole object that these headers report.
 *
 * @param headers - response headers
 * @param status - response status (a 206 answer's range checksums are ignored)
 */
export function checksumsFromHeaders(headers: Headers, status = 200): Checksums {
  const repr = dictionary(headers.get('repr-digest'));
  let sha256 =
    hex(headers.get('x-checksum-sha256'), 32) ??
    hex(headers.get('x-amz-meta-sha256'), 32) ??
    (repr.has('sha-256') ? base64Hex(repr.get('sha-256') as string, 32) : undefined);
  let md5 = repr.has('md5') ? base64Hex(repr.get('md5') as string, 16) : undefined;
  if (status === 200) {
    const digest = dictionary(headers.get('digest'));
    const amz = headers.get('x-amz-checksum-sha256');
    sha256 ??=
      (amz !== null && !amz.includes('-') ? base64Hex(amz, 32) : undefined) ??
      (digest.has('sha-256') ? base64Hex(digest.get('sha-256') as string, 32) : undefined);
    const goog = dictionary(headers.get('x-goog-hash'));
    const contentMd5 = headers.get('content-md5');
    md5 ??=
      (contentMd5 === null ? undefined : base64Hex(contentMd5, 16)) ??
      (digest.has('md5') ? base64Hex(digest.get('md5') as string, 16) : undefined) ??
      (goog.has('md5') ? base64Hex(goog.get('md5') as string, 16) : undefined);
  }
  return { ...(sha256 === undefined ? {} : { sha256 }), ...(md5 === undefined ? {} : { md5 }) };
}
