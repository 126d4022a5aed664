/**
 * The checks made before every request through a Par: still valid (with the safety buffer),
 * and granting the permission the operation needs.
 *
 * @internal
 * @module
 */
import { ExpiredError, PermissionError } from '../par/errors.js';
import { DEFAULT_BUFFER_SECONDS, isUsable, readClock } from '../par/expiry.js';
import { isoUtc } from '../par/metadata.js';
import type { Par } from '../par/par.js';
import type { Permission } from '../par/permissions.js';
import type { AccessOptions } from './options.js';

/**
 * Throw unless the Par still has more than the safety buffer of validity left. Called before
 * every request, including each retry and each resumed range, so a Par that runs out in the
 * middle of a transfer gives ExpiredError rather than whatever the store answers.
 *
 * @param par - the Par
 * @param options - clock and buffer overrides
 * @param buffer - seconds of validity that must remain (default: the options' buffer, else 30)
 * @throws ExpiredError
 */
export function checkUsable(par: Par, options: AccessOptions, buffer?: number): void {
  const seconds = buffer ?? options.buffer ?? DEFAULT_BUFFER_SECONDS;
  const expired =
    options.now === undefined
      ? par.isExpired({ buffer: seconds })
      : !isUsable(par.expires, readClock(options.now), seconds);
  if (expired) {
    throw new ExpiredError(`the Par expired or has less than ${seconds} s of validity left`, {
      context: { fingerprint: par.fingerprint(), expires: isoUtc(par.expires) },
    });
  }
}

/**
 * Throw unless the Par is usable for `permission` right now.
 *
 * @param par - the Par
 * @param permission - what the operation needs
 * @param options - clock and buffer overrides
 * @throws ExpiredError or PermissionError
 */
export function guard(par: Par, permission: Permission, options: AccessOptions): void {
  checkUsable(par, options);
  if (!par.allows(permission)) {
    throw new PermissionError(
      `this Par does not grant ${permission} (it grants ${par.permissions.join(', ')})`,
      {
        context: { fingerprint: par.fingerprint() },
      },
    );
  }
}
