/**
 * Permissions a Par grants, and the rules between them and the target.
 *
 * @module
 */
import type { Target } from './target.js';

/** What a Par allows. `list` and `delete` apply to buckets; `execute` excludes all others. */
export type Permission = 'read' | 'write' | 'list' | 'delete' | 'execute';

/** Every permission, in canonical order (the order used in data, tokens and fingerprints). */
export const PERMISSIONS: readonly Permission[] = Object.freeze([
  'read',
  'write',
  'list',
  'delete',
  'execute',
]);

/**
 * Validate a permission set against a target and return it deduplicated in canonical order.
 * Rules (Acquire's, extended): at least one permission; `execute` alone and only for a
 * calculation; a calculation only with `execute`; `list` only for a bucket.
 *
 * @param permissions - the permissions asked for
 * @param target - what they apply to
 * @returns the canonical permission list
 * @throws RangeError naming the rule broken
 */
export function normalisePermissions(permissions: readonly Permission[], target: Target): Permission[] {
  if (!Array.isArray(permissions)) throw new TypeError('permissions must be an array');
  const wanted = new Set<Permission>();
  for (const permission of permissions) {
    if (!PERMISSIONS.includes(permission)) {
      throw new RangeError(`permissions: unknown permission ${JSON.stringify(String(permission))}`);
    }
    wanted.add(permission);
  }
  if (wanted.size === 0) throw new RangeError('permissions: a Par must grant at least one permission');
  if (wanted.has('execute') && wanted.size > 1) {
    throw new RangeError('permissions: execute cannot be combined with read, write, list or delete');
  }
  if (target.kind === 'calculation' && !wanted.has('execute')) {
    throw new RangeError('permissions: a calculation Par must grant execute');
  }
  if (target.kind !== 'calculation' && wanted.has('execute')) {
    throw new RangeError('permissions: execute is only for calculation targets');
  }
  if (target.kind === 'object' && wanted.has('list')) {
    throw new RangeError('permissions: list is only for bucket targets');
  }
  return PERMISSIONS.filter((permission) => wanted.has(permission));
}
