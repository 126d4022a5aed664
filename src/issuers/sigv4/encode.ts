/**
 * SigV4's URI encoding ("UriEncode" in the AWS Signature Version 4 documentation), shared by
 * S3 and GCS V4: every UTF-8 byte except the RFC 3986 unreserved characters `A–Z a–z 0–9 - . _ ~`
 * becomes `%XY` with upper-case hex. In an object path `/` stays as it is; in a query it is
 * encoded like everything else.
 *
 * @internal
 * @module
 */

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;
// encodeURIComponent leaves these unescaped; SigV4 escapes them.
const MARKS = /[!'()*]/g;
const markEscape = (mark: string) => `%${mark.charCodeAt(0).toString(16).toUpperCase()}`;

/**
 * Encode one query name or value, or one path segment.
 *
 * @param value - well-formed Unicode text
 * @returns the encoded text
 * @throws URIError for lone surrogates (callers validate text first)
 */
export function uriEncode(value: string): string {
  if (UNRESERVED.test(value)) return value;
  return encodeURIComponent(value).replace(MARKS, markEscape);
}

/**
 * Encode an object path, keeping `/` (S3 and GCS object keys: encoded once).
 *
 * @param path - the path, starting with `/`
 * @returns the encoded path
 */
export function uriEncodePath(path: string): string {
  if (UNRESERVED_PATH.test(path)) return path;
  return path.split('/').map(uriEncode).join('/');
}

/**
 * Remove `.` and `..` segments and collapse repeated slashes (the path normalisation SigV4
 * services other than S3 apply before signing).
 *
 * @param path - a decoded path starting with `/`
 * @returns the normalised path, starting with `/`
 */
export function normalisePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const trailing = path.length > 1 && /\/\.{0,2}$/.test(path) && out.length > 0;
  return `/${out.join('/')}${trailing ? '/' : ''}`;
}

/**
 * The canonical URI of a request to a SigV4 service other than S3: the path as sent on the wire
 * (already encoded once), normalised unless told not to, then URI-encoded again — SigV4's
 * "double encoding". (S3 and GCS encode the decoded key once, with {@link uriEncodePath}.)
 *
 * @param wirePath - the request path exactly as it goes in the request line
 * @param normalise - whether to remove dot segments and repeated slashes (default true)
 * @returns the canonical URI
 */
export function genericCanonicalUri(wirePath: string, normalise = true): string {
  return uriEncodePath(normalise ? normalisePath(wirePath) : wirePath);
}
