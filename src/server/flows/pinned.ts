/**
 * Pinned inputs: a run of a flow whose input names a version reads that version's content,
 * whatever the object holds now. Before the job starts, each pinned version's objects are copied
 * from their content-addressed snapshots into the staging bucket {@link PINNED_BUCKET} under
 * `<run id>/<input name>/<original key>`, and the job's grant for that input points there; the
 * copies are removed when the run ends (the snapshots stay).
 *
 * @internal
 * @module
 */
import type { BucketRegistry } from '../admin/bucket-registry.js';
import { type ObjectStore, SYSTEM_BUCKET } from '../storage/store.js';
import { snapshotKey } from './content.js';
import type { DataTracker } from './data.js';
import { RunFailure } from './failure.js';
import { dataId, type FlowInput, type FlowRecord } from './model.js';

/** The bucket pinned inputs are staged in during runs (made when first needed). */
export const PINNED_BUCKET = 'parkit-flows-pinned';

/** What staging needs. */
export interface StagingDeps {
  readonly store: ObjectStore;
  readonly buckets: BucketRegistry;
  readonly data: DataTracker;
  readonly now: () => number;
}

/** A flow as its run sees it, and the staged copies to remove afterwards. */
export interface Staged {
  readonly flow: FlowRecord;
  readonly keys: readonly string[];
}

/**
 * Stage a run's pinned inputs.
 *
 * @param deps - store, buckets, data
 * @param flow - the flow
 * @param runId - the run
 * @throws RunFailure when a pinned version's content is gone
 */
export async function stagePinned(deps: StagingDeps, flow: FlowRecord, runId: string): Promise<Staged> {
  const pinned = Object.entries(flow.inputs).filter(([, input]) => input.version !== undefined);
  if (pinned.length === 0) return { flow, keys: [] };
  if (!(await deps.buckets.exists(PINNED_BUCKET))) await deps.buckets.create(PINNED_BUCKET, deps.now());
  const keys: string[] = [];
  const inputs: Record<string, FlowInput> = { ...flow.inputs };
  for (const [name, input] of pinned) {
    const version = await deps.data.version(dataId(input), input.version ?? 0);
    if (version === undefined) throw new RunFailure(`input ${name} has no version ${input.version}`);
    const base = `${runId}/${name}/`;
    for (const object of version.objects) {
      const snapshot = await deps.store.open(SYSTEM_BUCKET, snapshotKey(object.sha256));
      if (snapshot === undefined)
        throw new RunFailure(`the content of input ${name} version ${input.version} is gone`);
      await deps.store.put(PINNED_BUCKET, base + object.key, snapshot.stream(), {
        expectedSha256: object.sha256,
        ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
      });
      keys.push(base + object.key);
    }
    inputs[name] =
      input.key !== undefined
        ? { bucket: PINNED_BUCKET, key: base + input.key }
        : { bucket: PINNED_BUCKET, prefix: base + (input.prefix ?? '') };
  }
  return { flow: { ...flow, inputs }, keys };
}

/**
 * Remove a run's staged copies.
 *
 * @param store - the store
 * @param keys - what {@link stagePinned} staged
 */
export async function unstage(store: ObjectStore, keys: readonly string[]): Promise<void> {
  for (const key of keys) await store.remove(PINNED_BUCKET, key).catch(() => false);
}
