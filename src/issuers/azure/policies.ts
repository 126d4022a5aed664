/**
 * A container's stored access policies (its "signed identifiers"), read with Get Container ACL
 * and written with Set Container ACL, both authorised with the account key. A SAS bound to a
 * policy (`si=`) works exactly as long as the policy exists and allows it, so removing the
 * policy revokes every SAS bound to it.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import { FormatError } from '../../par/errors.js';
import { type AccountAccess, accountRequest } from './account.js';
import { sasTime } from './sas-fields.js';
import { child, childrenNamed, childText, escapeXml, parseXml } from './xml.js';

/** Azure keeps at most five stored access policies per container. */
export const MAX_AZURE_STORED_POLICIES = 5;

/** One stored access policy of a container. */
export interface AzureStoredPolicy {
  /** Its id (what a SAS names in `si`), 1 to 64 characters. */
  readonly id: string;
  /** SAS permission letters it grants, in Azure's order (absent: the SAS must say). */
  readonly permissions?: string;
  /** When SAS bound to it start to work (absent: the SAS may say). */
  readonly start?: DateTime;
  /** When SAS bound to it stop working (absent: the SAS must say). */
  readonly expires?: DateTime;
}

/** What Set Container ACL writes: the policies and the container's public access level. */
export interface ContainerAcl {
  readonly policies: readonly AzureStoredPolicy[];
  /** `container` or `blob` when the container allows anonymous reads; absent when private. */
  readonly publicAccess?: string;
}

function aclUrl(containerUrl: string): URL {
  return new URL(`${containerUrl}?restype=container&comp=acl`);
}

function parseTime(text: string | undefined, field: string): DateTime | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const time = DateTime.fromISO(text.trim(), { zone: 'utc' });
  if (!time.isValid) throw new FormatError(`Azure's container ACL has an invalid ${field} time`, { field });
  return time;
}

/**
 * Read a container's stored access policies and public access level.
 *
 * @param access - account key access
 * @param containerUrl - the container's URL (no query)
 * @param signal - cancellation
 * @throws NotFoundError when the container does not exist; PermissionError for a refused key
 */
export async function getContainerAcl(
  access: AccountAccess,
  containerUrl: string,
  signal?: AbortSignal,
): Promise<ContainerAcl> {
  const response = await accountRequest(access, {
    method: 'GET',
    url: aclUrl(containerUrl),
    ...(signal === undefined ? {} : { signal }),
  });
  const publicAccess = response.headers.get('x-ms-blob-public-access') ?? undefined;
  const text = await response.text();
  const root = text.trim() === '' ? undefined : parseXml(text);
  const policies = childrenNamed(root, 'SignedIdentifier').map((identifier): AzureStoredPolicy => {
    const id = childText(identifier, 'Id');
    if (id === undefined || id === '') {
      throw new FormatError("Azure's container ACL has a policy without an id", { field: 'Id' });
    }
    const policy = child(identifier, 'AccessPolicy');
    const permissions = childText(policy, 'Permission')?.trim();
    const start = parseTime(childText(policy, 'Start'), 'Start');
    const expires = parseTime(childText(policy, 'Expiry'), 'Expiry');
    return {
      id,
      ...(permissions === undefined || permissions === '' ? {} : { permissions }),
      ...(start === undefined ? {} : { start }),
      ...(expires === undefined ? {} : { expires }),
    };
  });
  return { policies, ...(publicAccess === undefined || publicAccess === '' ? {} : { publicAccess }) };
}

function aclXml(policies: readonly AzureStoredPolicy[]): string {
  const items = policies.map((policy) => {
    const fields = [
      policy.start === undefined ? '' : `<Start>${sasTime(policy.start)}</Start>`,
      policy.expires === undefined ? '' : `<Expiry>${sasTime(policy.expires)}</Expiry>`,
      policy.permissions === undefined ? '' : `<Permission>${escapeXml(policy.permissions)}</Permission>`,
    ].join('');
    return `<SignedIdentifier><Id>${escapeXml(policy.id)}</Id><AccessPolicy>${fields}</AccessPolicy></SignedIdentifier>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?><SignedIdentifiers>${items.join('')}</SignedIdentifiers>`;
}

/**
 * Replace a container's stored access policies, keeping its public access level.
 *
 * @param access - account key access
 * @param containerUrl - the container's URL (no query)
 * @param acl - the complete new list and the public access level to keep
 * @param signal - cancellation
 * @throws RangeError for more than {@link MAX_AZURE_STORED_POLICIES} policies
 */
export async function setContainerAcl(
  access: AccountAccess,
  containerUrl: string,
  acl: ContainerAcl,
  signal?: AbortSignal,
): Promise<void> {
  if (acl.policies.length > MAX_AZURE_STORED_POLICIES) {
    throw new RangeError(
      `a container holds at most ${MAX_AZURE_STORED_POLICIES} stored access policies (Azure's limit)`,
    );
  }
  const response = await accountRequest(access, {
    method: 'PUT',
    url: aclUrl(containerUrl),
    headers: {
      'content-type': 'application/xml',
      ...(acl.publicAccess === undefined ? {} : { 'x-ms-blob-public-access': acl.publicAccess }),
    },
    body: new TextEncoder().encode(aclXml(acl.policies)),
    ...(signal === undefined ? {} : { signal }),
  });
  await response.body?.cancel();
}
