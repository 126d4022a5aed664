/**
 * What tracked data holds right now: the SHA-256, size and type of one object, or of every
 * object under a prefix (the SHA-256 over its sorted `key\tsha256\n` lines), with each version's
 * content kept as a content-addressed snapshot in the system bucket so a pinned version stays
 * readable after the object changes.
 *
 * @internal
 * @module
 */
import { createHash } from 'node:crypto';
import { StoreError } from '../storage/errors.js';
import { type ObjectInfo, type ObjectStore, SYSTEM_BUCKET } from '../storage/store.js';
import type { DataSpec } from './model.js';

/** One object of measured data. */
export interface MeasuredObject {
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
}

/** What data holds at one moment. */
export interface Measured {
  readonly checksum: string;
  readonly size: number;
  readonly contentType?: string;
  readonly objects: readonly MeasuredObject[];
}

/** Most objects of one prefix data (more is refused as too large to track). */
export const MAX_PREFIX_OBJECTS = 10_000;

/** The snapshot key of a content hash, inside the system bucket. */
export const snapshotKey = (sha256: string) => `flow-snapshots/${sha256}`;

async function hashOf(store: ObjectStore, bucket: string, key: string): Promise<string | undefined> {
  const opened = await store.open(bucket, key);
  if (opened === undefined) return undefined;
  const hash = createHash('sha256');
  for await (const chunk of opened.stream() as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

function isStoreError(error: unknown, code: string): boolean {
  return error instanceof StoreError && error.code === code;
}

/**
 * Copy an object version into the snapshots (once per content) and give its hash; undefined
 * when it vanished or changed while being copied (its next write measures it again).
 */
async function snapshot(
  store: ObjectStore,
  bucket: string,
  info: ObjectInfo,
): Promise<MeasuredObject | undefined> {
  const sha256 = info.sha256 ?? (await hashOf(store, bucket, info.key));
  if (sha256 === undefined) return undefined;
  if ((await store.stat(SYSTEM_BUCKET, snapshotKey(sha256))) === undefined) {
    const opened = await store.open(bucket, info.key);
    if (opened === undefined) return undefined;
    try {
      await store.put(SYSTEM_BUCKET, snapshotKey(sha256), opened.stream(), {
        ifNoneMatch: '*',
        expectedSha256: sha256,
      });
    } catch (error) {
      if (isStoreError(error, 'CHECKSUM_MISMATCH')) return undefined;
      if (!isStoreError(error, 'PRECONDITION_FAILED')) throw error;
    }
  }
  return { key: info.key, sha256, size: info.size };
}

async function prefixObjects(store: ObjectStore, bucket: string, prefix: string): Promise<ObjectInfo[]> {
  const found: ObjectInfo[] = [];
  let start: string | undefined;
  do {
    const page = await store.list(bucket, { prefix, limit: 1000, ...(start === undefined ? {} : { start }) });
    found.push(...page.objects);
    if (found.length > MAX_PREFIX_OBJECTS)
      throw new RangeError(`more than ${MAX_PREFIX_OBJECTS} objects under one tracked prefix`);
    start = page.next;
  } while (start !== undefined);
  return found;
}

/**
 * Whether data holds anything now (one lookup; nothing is written).
 *
 * @param store - the object store
 * @param spec - the data
 */
export async function holdsData(store: ObjectStore, spec: DataSpec): Promise<boolean> {
  if (spec.key !== undefined) return (await store.stat(spec.bucket, spec.key)) !== undefined;
  return (await store.list(spec.bucket, { prefix: spec.prefix ?? '', limit: 1 })).objects.length > 0;
}

/**
 * Measure data now, snapshotting its content.
 *
 * @param store - the object store
 * @param spec - the data
 * @returns what it holds; undefined when there is nothing (no object, an empty prefix)
 */
export async function measure(store: ObjectStore, spec: DataSpec): Promise<Measured | undefined> {
  if (spec.key !== undefined) {
    const info = await store.stat(spec.bucket, spec.key);
    if (info === undefined) return undefined;
    const object = await snapshot(store, spec.bucket, info);
    if (object === undefined) return undefined;
    return {
      checksum: object.sha256,
      size: object.size,
      ...(info.contentType === undefined ? {} : { contentType: info.contentType }),
      objects: [object],
    };
  }
  const objects: MeasuredObject[] = [];
  for (const info of await prefixObjects(store, spec.bucket, spec.prefix ?? '')) {
    const object = await snapshot(store, spec.bucket, info);
    if (object !== undefined) objects.push(object);
  }
  if (objects.length === 0) return undefined;
  const lines = objects.map((object) => `${object.key}\t${object.sha256}\n`).join('');
  return {
    checksum: createHash('sha256').update(lines).digest('hex'),
    size: objects.reduce((sum, object) => sum + object.size, 0),
    objects,
  };
}
