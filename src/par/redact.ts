/**
 * Turn a URL into something safe to log: the origin and path, with the query string (where
 * S3, Azure and GCS carry signatures) dropped and path-borne tokens (`/p/{token}/`, the OCI and
 * parkit shape) masked. Never throws; an unparsable input becomes `'<invalid url>'`.
 *
 * @param url - a URL string or object
 * @returns a string without any credential-bearing part
 * @example
 * ```ts
 * redactUrl('https://s3.example.com/b/k?X-Amz-Signature=abc'); // 'https://s3.example.com/b/k?…'
 * ```
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    return '<invalid url>';
  }
  if (parsed.protocol === 'file:') return 'file://…';
  const path = parsed.pathname.replace(/\/p\/[^/]+/, '/p/…');
  const query = parsed.search === '' ? '' : '?…';
  return `${parsed.protocol}//${parsed.host}${path}${query}`;
}
