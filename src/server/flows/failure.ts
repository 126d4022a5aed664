/**
 * The failure of a run worth telling as it is (its message holds no secret).
 *
 * @internal
 * @module
 */

/** A run that failed for a reason its record may tell. */
export class RunFailure extends Error {
  override name = 'RunFailure';
}
