/**
 * Which system issued a Par's secret, and therefore which dialect speaks to it.
 *
 * @module
 */

/** Every driver a Par may name. */
export const DRIVERS = Object.freeze([
  'parkit',
  's3',
  'azure',
  'gcs',
  'oci',
  'stoa',
  'https',
  'file',
] as const);

/** The issuer family of a Par: decides how its secret is used. */
export type Driver = (typeof DRIVERS)[number];

/**
 * Whether `value` names a known driver.
 *
 * @param value - anything
 */
export function isDriver(value: unknown): value is Driver {
  return typeof value === 'string' && (DRIVERS as readonly string[]).includes(value);
}
