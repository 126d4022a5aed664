/**
 * Time: the injectable clock, expiry inputs, and the safety buffer rule inherited from Acquire
 * (a Par is refused when less than `buffer` seconds of validity remain).
 *
 * @module
 */
import { DateTime, Duration, type DurationLikeObject, Settings } from 'luxon';

/** Where "now" comes from. Inject one in tests; defaults to the system clock. */
export type Clock = () => DateTime | Date | number;

/** The default safety margin, in seconds (Acquire's `PARTimeoutError` rule). */
export const DEFAULT_BUFFER_SECONDS = 30;

/**
 * When a Par expires: an absolute time (luxon `DateTime`, `Date`, or epoch milliseconds) or a
 * lifetime from now (luxon `Duration` or an object such as `{ hours: 2 }`).
 */
export type ExpiresInput = DateTime | Date | number | Duration | DurationLikeObject;

/** The system clock. */
export const systemClock: Clock = () => DateTime.utc();

/**
 * Read a clock as a UTC luxon DateTime, millisecond precision.
 *
 * @param clock - the clock to read
 * @returns the current time in UTC
 */
export function readClock(clock: Clock = systemClock): DateTime {
  return toUtc(clock(), 'now');
}

/**
 * Read a clock as epoch milliseconds. The system clock is read without building a DateTime (at
 * luxon's `Settings.now()`, which is what `DateTime.utc()` reads): the expiry check runs before
 * every request.
 *
 * @param clock - the clock to read
 * @returns the current time, epoch milliseconds
 */
export function readClockMillis(clock: Clock = systemClock): number {
  return clock === systemClock ? Settings.now() : readClock(clock).toMillis();
}

/**
 * Normalise an absolute time to a valid UTC DateTime.
 *
 * @param value - a DateTime, Date or epoch milliseconds
 * @param argument - the argument name to use in the error
 * @throws TypeError if the value is not a valid time
 */
export function toUtc(value: DateTime | Date | number, argument: string): DateTime {
  let result: DateTime;
  if (DateTime.isDateTime(value)) result = value;
  else if (value instanceof Date) result = DateTime.fromJSDate(value);
  else if (typeof value === 'number' && Number.isFinite(value)) result = DateTime.fromMillis(value);
  else throw new TypeError(`${argument} must be a luxon DateTime, a Date or epoch milliseconds`);
  if (!result.isValid) throw new TypeError(`${argument} is not a valid date (${result.invalidReason})`);
  return result.toUTC();
}

/**
 * Resolve an expiry input to an absolute UTC time.
 *
 * @param expires - absolute time or lifetime from `now`
 * @param now - the current time
 * @returns the expiry instant
 * @throws TypeError for an unusable value; RangeError when the expiry is not after `now`
 */
export function resolveExpiry(expires: ExpiresInput, now: DateTime): DateTime {
  let at: DateTime;
  if (DateTime.isDateTime(expires) || expires instanceof Date || typeof expires === 'number') {
    at = toUtc(expires, 'expires');
  } else if (Duration.isDuration(expires) || (typeof expires === 'object' && expires !== null)) {
    let lifetime: Duration;
    try {
      lifetime = Duration.isDuration(expires) ? expires : Duration.fromObject(expires);
    } catch (cause) {
      throw new TypeError(
        'expires must be a DateTime, Date, epoch milliseconds or a duration like { hours: 2 }',
        {
          cause,
        },
      );
    }
    if (!lifetime.isValid) throw new TypeError(`expires is not a valid duration (${lifetime.invalidReason})`);
    at = now.plus(lifetime);
  } else {
    throw new TypeError(
      'expires must be a DateTime, Date, epoch milliseconds or a duration like { hours: 2 }',
    );
  }
  if (at.toMillis() <= now.toMillis()) throw new RangeError('expires must be in the future');
  return at;
}

/**
 * Validate a safety buffer argument.
 *
 * @param buffer - seconds, finite and not negative
 * @throws RangeError otherwise
 */
export function checkBuffer(buffer: number): number {
  if (typeof buffer !== 'number' || !Number.isFinite(buffer) || buffer < 0) {
    throw new RangeError('buffer must be a finite number of seconds, 0 or more');
  }
  return buffer;
}

/**
 * Seconds left before `expires`, less `buffer`, never below 0.
 *
 * @param expires - the expiry instant
 * @param now - the current time
 * @param buffer - safety margin in seconds
 * @returns seconds remaining (fractional, millisecond precision)
 */
export function secondsRemaining(expires: DateTime, now: DateTime, buffer: number): number {
  const left = (expires.toMillis() - now.toMillis()) / 1000 - checkBuffer(buffer);
  return Math.max(left, 0);
}

/**
 * Whether the Par may still be used: more than `buffer` seconds of validity remain. This is
 * exactly `secondsRemaining(...) > 0`, so with exactly `buffer` seconds left it is refused.
 *
 * @param expires - the expiry instant
 * @param now - the current time
 * @param buffer - safety margin in seconds
 */
export function isUsable(expires: DateTime, now: DateTime, buffer: number): boolean {
  return secondsRemaining(expires, now, buffer) > 0;
}
