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
 * Throw unless the Par is usable for `permission` right now.
 *
 * @param par - the Par
 * @param permission - what the operation needs
 * @param options - clock and buffer overrides
 * @throws ExpiredError or PermissionError
 */
export function guard(par: Par, permission: Permission, options: AccessOptions): void {
  const buffer = options.buffer ?? DEFAULT_BUFFER_SECONDS;
  const expired =
    options.now === undefined
      ? par.isExpired({ buffer })
      : !isUsable(par.expires, readClock(options.now), buffer);
  if (expired) {
    throw new ExpiredError(`the Par expired or has less than ${buffer} s of validity left`, {
      context: { fingerprint: par.fingerprint(), expires: isoUtc(par.expires) },
    });
  }
  if (!par.allows(permission)) {
    throw new PermissionError(
      `this Par does not grant ${permission} (it grants ${par.permissions.join(', ')})`,
      {
        context: { fingerprint: par.fingerprint() },
      },
    );
  }
}
