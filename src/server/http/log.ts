/**
 * Request log entries: what was done, never a secret (access paths are logged with the token
 * masked, query strings dropped, admin keys never read into the entry).
 *
 * @module
 */

/** One handled request. */
export interface RequestLogEntry {
  /** ISO 8601 time the request finished. */
  readonly time: string;
  readonly method: string;
  /** The path with any `/p/{token}` masked as `/p/…`, without the query. */
  readonly path: string;
  readonly status: number;
  /** The error code, when refused. */
  readonly code?: string;
  readonly durationMs: number;
  /** For 500s: the internal error's name and message (server side only). */
  readonly error?: string;
}

/** Where log entries go. */
export type RequestLogger = (entry: RequestLogEntry) => void;

/**
 * A path safe to log.
 *
 * @param path - the raw path
 */
export function loggablePath(path: string): string {
  return path.replace(/^\/p\/[^/]*/, '/p/…').slice(0, 2048);
}
