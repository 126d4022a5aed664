/**
 * The signing time in SigV4's ISO 8601 basic format (`YYYYMMDD'T'HHMMSS'Z'`), cached per second
 * because a presigner formats the same second thousands of times.
 *
 * @internal
 * @module
 */

let cachedSecond = Number.NaN;
let cachedText = '';

/**
 * Format epoch milliseconds as a SigV4 timestamp (UTC, whole seconds).
 *
 * @param epochMs - the time
 * @returns e.g. `20150830T123600Z`
 */
export function signingTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    // toISOString: 2015-08-30T12:36:00.000Z
    const iso = new Date(second * 1000).toISOString();
    cachedText = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
    cachedSecond = second;
  }
  return cachedText;
}
