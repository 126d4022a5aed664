/**
 * What leaves a job (its error message, its log lines) is scrubbed before it is kept or shown:
 * the server's keys and the job's own tokens and identity removed, access paths and tokens of
 * any shape masked, and host paths cut to their last segment (`…/report.csv`).
 *
 * @internal
 * @module
 */

/** Longest message kept, in characters. */
export const MAX_SCRUBBED_LENGTH = 2000;

// Things that look like a parkit access token (claims "." MAC), wherever they appear.
const TOKEN = /[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
const ACCESS_PATH = /\/p\/[^/\s"'<>]+/g;
const AGE_KEY = /AGE-SECRET-KEY-1[0-9A-Za-z]+/g;
const PAR_TOKEN = /\bpar1[0-9a-z]{16,}/gi;
const FILE_URL = /\bfile:\/\/[^\s"'<>)]*/gi;
// An absolute POSIX path of two or more segments, or a Windows drive path.
const POSIX_PATH = /(^|[\s"'`(=:,[])(\/(?:[^\s"'`()/:,\]]+\/)+)([^\s"'`()/:,\]]*)/g;
const WINDOWS_PATH = /\b[A-Za-z]:\\(?:[^\s"'`()\\]+\\)+([^\s"'`()\\]*)/g;

/**
 * Scrub a text.
 *
 * @param text - what the job produced
 * @param secrets - exact strings to remove (keys, tokens, identities)
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret.length >= 8) clean = clean.split(secret).join('…');
  }
  clean = clean
    .replace(AGE_KEY, 'AGE-SECRET-KEY-1…')
    .replace(PAR_TOKEN, 'par1…')
    .replace(ACCESS_PATH, '/p/…')
    .replace(TOKEN, '…')
    .replace(FILE_URL, (url) => `file://…/${url.split('/').pop() ?? ''}`)
    .replace(POSIX_PATH, (_all, before: string, _dirs: string, last: string) => `${before}…/${last}`)
    .replace(WINDOWS_PATH, (_all, last: string) => `…\\${last}`);
  return clean.length > MAX_SCRUBBED_LENGTH ? `${clean.slice(0, MAX_SCRUBBED_LENGTH - 1)}…` : clean;
}
