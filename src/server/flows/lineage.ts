/**
 * Lineage of a data version: upstream, the runs that wrote it, the versions they read, and so on
 * back; downstream, the runs that read it, the versions they wrote, and so on forward — at most
 * `depth` runs deep, each version and run once.
 *
 * @internal
 * @module
 */
import type { LineageEdge, DataVersionRef as VersionRef } from '../../flows/model.js';
import type { DataTracker } from './data.js';
import type { DataVersion, RunRecord } from './model.js';
import type { RunStore } from './run-store.js';

/** A lineage answer. */
export interface Lineage {
  readonly root: VersionRef;
  readonly versions: readonly DataVersion[];
  readonly runs: readonly RunRecord[];
  readonly edges: readonly LineageEdge[];
}

/** Deepest lineage walk. */
export const MAX_DEPTH = 16;
/** Depth by default. */
export const DEFAULT_DEPTH = 8;

const keyOf = (ref: VersionRef) => `${ref.data}\n${ref.version}`;

/**
 * Walk the lineage of a version.
 *
 * @param data - tracked data
 * @param runs - the runs
 * @param root - the version to start at
 * @param direction - `upstream` (what produced it) or `downstream` (what it fed)
 * @param depth - most runs deep
 */
export async function lineage(
  data: DataTracker,
  runs: RunStore,
  root: VersionRef,
  direction: 'upstream' | 'downstream',
  depth: number,
): Promise<Lineage> {
  const versions = new Map<string, DataVersion>();
  const seenRuns = new Map<string, RunRecord>();
  const edges: LineageEdge[] = [];
  const addVersion = async (ref: VersionRef) => {
    if (versions.has(keyOf(ref))) return false;
    const found = await data.version(ref.data, ref.version);
    if (found === undefined) return false;
    const { objects: _objects, ...shown } = found;
    versions.set(keyOf(ref), shown);
    return true;
  };
  await addVersion(root);
  let frontier: VersionRef[] = [root];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: VersionRef[] = [];
    for (const ref of frontier) {
      const found =
        direction === 'upstream'
          ? await runs.writers(ref.data, ref.version)
          : await runs.readers(ref.data, ref.version);
      for (const run of found) {
        if (seenRuns.has(run.id)) continue;
        seenRuns.set(run.id, run);
        for (const from of run.inputs)
          for (const to of run.outputs)
            edges.push({
              from: { data: from.data, version: from.version },
              to: { data: to.data, version: to.version },
              run: run.id,
            });
        const [onward, beside] =
          direction === 'upstream' ? [run.inputs, run.outputs] : [run.outputs, run.inputs];
        for (const item of onward) {
          const other = { data: item.data, version: item.version };
          if (await addVersion(other)) next.push(other);
        }
        for (const item of beside) await addVersion({ data: item.data, version: item.version });
      }
    }
    frontier = next;
  }
  return {
    root,
    versions: [...versions.values()],
    runs: [...seenRuns.values()],
    edges,
  };
}
