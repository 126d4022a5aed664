/**
 * What an access token grants, as the server signs it. The same shape is stored in the Par
 * registry. Room is left for calculation targets (`execute`): the compute service adds the
 * calculation name, bound arguments, bucket grants and a run limit in `calculation`.
 *
 * @module
 */
import type { Permission } from '../../par/permissions.js';

/** The storage scope of a grant: one object, or a bucket (optionally a key prefix of it). */
export type GrantScope =
  | { readonly kind: 'object'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'bucket'; readonly bucket: string; readonly prefix?: string }
  | { readonly kind: 'calculation'; readonly name: string };

/** The claims inside an access token. */
export interface AccessClaims {
  /** Claims format version. */
  readonly v: 1;
  /** The registry id of the grant (random, 128 bits). */
  readonly id: string;
  /** The object storage namespace in the URL (`/n/{namespace}`). */
  readonly namespace: string;
  readonly scope: GrantScope;
  readonly permissions: readonly Permission[];
  /** Expiry, epoch milliseconds. */
  readonly expires: number;
}
