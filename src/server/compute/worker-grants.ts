/**
 * The internal bucket Pars a job's worker reaches its storage through: one per grant of the
 * executable Par, for exactly that bucket, prefix and permissions, registered like any other
 * grant (so every request is checked by the access API and they can be revoked), expiring soon
 * after the job's deadline, sealed to an identity made for this job alone, and closed as soon as
 * the job ends.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import type { ParData } from '../../par/data.js';
import { Par } from '../../par/par.js';
import type { BucketTarget } from '../../par/target.js';
import { generateIdentity, identityToRecipient } from '../../seal/keys.js';
import type { ServerContext } from '../context.js';
import type { AccessClaims, GrantScope } from '../pars/claims.js';
import { type ParEntry, ParRegistry, tokenChecksum } from '../pars/registry.js';
import type { BucketGrant, ExecutionGrant } from './execution-grant.js';

/** What minting needs of the server. */
type GrantContext = Omit<ServerContext, 'compute'>;

/** The grants minted for one job. */
export interface WorkerGrants {
  /** Registry ids (to close when the job ends). */
  readonly ids: readonly string[];
  readonly inputs: Record<string, ParData>;
  readonly outputs: Record<string, ParData>;
  /** The identity the Pars are sealed to. */
  readonly identity: string;
  /** The tokens and the identity: scrubbed from anything the job says. */
  readonly secrets: readonly string[];
}

/** A missing bucket makes the job fail with this. */
export class MissingBucketError extends Error {
  override name = 'MissingBucketError';
}

async function mintOne(
  context: GrantContext,
  baseUrl: string,
  jobId: string,
  label: string,
  grant: BucketGrant,
  expires: number,
  recipient: string,
): Promise<{ id: string; token: string; data: ParData }> {
  const id = ParRegistry.newId();
  const created = context.now();
  const scope: GrantScope = {
    kind: 'bucket',
    bucket: grant.bucket,
    ...(grant.prefix === undefined ? {} : { prefix: grant.prefix }),
  };
  const claims: AccessClaims = {
    v: 1,
    id,
    namespace: context.namespace,
    scope,
    permissions: grant.permissions,
    expires,
  };
  const token = context.signer.sign(claims);
  const url = `${baseUrl}/p/${token}/n/${encodeURIComponent(context.namespace)}/b/${encodeURIComponent(grant.bucket)}/o/`;
  const target: BucketTarget = {
    kind: 'bucket',
    bucket: grant.bucket,
    ...(grant.prefix === undefined ? {} : { prefix: grant.prefix }),
  };
  const par = await Par.create({
    url,
    driver: 'parkit',
    target,
    permissions: grant.permissions,
    created: DateTime.fromMillis(created, { zone: 'utc' }),
    expires: DateTime.fromMillis(expires, { zone: 'utc' }),
    recipients: [recipient],
    id,
    name: `job ${jobId} ${label}`,
    now: context.now,
  });
  const entry: ParEntry = {
    v: 1,
    id,
    fingerprint: par.fingerprint(),
    name: `job ${jobId} ${label}`,
    namespace: context.namespace,
    scope,
    permissions: grant.permissions,
    created: new Date(created).toISOString(),
    expires: new Date(expires).toISOString(),
    tokenChecksum: tokenChecksum(token),
  };
  await context.pars.add(entry);
  return { id, token, data: par.toData() };
}

/**
 * Mint the worker's grants for a job.
 *
 * @param context - the server
 * @param baseUrl - where the worker reaches this server
 * @param jobId - the job
 * @param grant - the executable Par's grant
 * @param expires - when the grants end, epoch ms
 * @throws MissingBucketError when a granted bucket no longer exists
 */
export async function mintWorkerGrants(
  context: GrantContext,
  baseUrl: string,
  jobId: string,
  grant: ExecutionGrant,
  expires: number,
): Promise<WorkerGrants> {
  const identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  const ids: string[] = [];
  const secrets: string[] = [identity];
  const minted = { inputs: {} as Record<string, ParData>, outputs: {} as Record<string, ParData> };
  try {
    for (const kind of ['inputs', 'outputs'] as const) {
      for (const [name, bucketGrant] of Object.entries(grant[kind])) {
        if (!(await context.buckets.exists(bucketGrant.bucket)))
          throw new MissingBucketError(
            `the bucket ${bucketGrant.bucket} of ${kind.slice(0, -1)} ${name} no longer exists`,
          );
        const one = await mintOne(
          context,
          baseUrl,
          jobId,
          `${kind.slice(0, -1)} ${name}`,
          bucketGrant,
          expires,
          recipient,
        );
        ids.push(one.id);
        secrets.push(one.token);
        minted[kind][name] = one.data;
      }
    }
  } catch (error) {
    await closeWorkerGrants(context, ids);
    throw error;
  }
  return { ids, ...minted, identity, secrets };
}

/**
 * Close a job's grants (its worker can reach nothing from now on).
 *
 * @param context - the server
 * @param ids - the grants' registry ids
 */
export async function closeWorkerGrants(context: GrantContext, ids: readonly string[]): Promise<void> {
  for (const id of ids) await context.pars.close(id).catch(() => false);
}
