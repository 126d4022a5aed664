/**
 * Tracked data and its versions (collections `data` and `data-versions`): data is tracked the
 * first time a flow names it or a run writes it; a new version is recorded only when the
 * content's checksum differs from the latest. Versions are numbered with a conditional create,
 * so two servers sharing a store never give one number twice.
 *
 * @internal
 * @module
 */
import { StoreError } from '../storage/errors.js';
import type { RecordStore, StoredRecord } from '../storage/records.js';
import type { ObjectStore } from '../storage/store.js';
import { type Measured, measure } from './content.js';
import { type DataRecord, type DataSpec, type DataVersion, dataId, dataRecordId } from './model.js';

const DATA = 'data';
const VERSIONS = 'data-versions';
const ATTEMPTS = 16;

const versionId = (id: string, version: number) => `${dataRecordId(id)}.${String(version).padStart(9, '0')}`;

function conflict(error: unknown): boolean {
  return (
    error instanceof StoreError && (error.code === 'PRECONDITION_FAILED' || error.code === 'KEY_CONFLICT')
  );
}

/** A version with what it held (kept with the version, for pinned inputs). */
export interface StoredVersion extends DataVersion {
  readonly objects: Measured['objects'];
}

/** Tracked data of one server's store. */
export class DataTracker {
  readonly #records: RecordStore;
  readonly #store: ObjectStore;
  readonly #now: () => number;

  /**
   * @param records - the server's records
   * @param store - the object store
   * @param now - the server's clock
   */
  constructor(records: RecordStore, store: ObjectStore, now: () => number) {
    this.#records = records;
    this.#store = store;
    this.#now = now;
  }

  /** Start tracking data (nothing happens when it is tracked already). */
  async track(spec: DataSpec): Promise<DataRecord> {
    const id = dataId(spec);
    const found = await this.get(id);
    if (found !== undefined) return found.value;
    const record: DataRecord = {
      v: 1,
      id,
      bucket: spec.bucket,
      ...(spec.key === undefined ? { prefix: spec.prefix ?? '' } : { key: spec.key }),
      created: new Date(this.#now()).toISOString(),
    };
    try {
      await this.#records.create(DATA, dataRecordId(id), record);
      return record;
    } catch (error) {
      if (!conflict(error)) throw error;
      return (await this.get(id))?.value ?? record;
    }
  }

  /** A tracked data record by id. */
  get(id: string): Promise<StoredRecord<DataRecord> | undefined> {
    return this.#records.get<DataRecord>(DATA, dataRecordId(id));
  }

  /**
   * Measure tracked data and record a version when its content changed.
   *
   * @param id - the data id
   * @returns the latest version after the check (undefined: it holds nothing yet)
   */
  async refresh(id: string): Promise<DataVersion | undefined> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.get(id);
      if (stored === undefined) return undefined;
      const latest = stored.value.latest;
      const measured = await measure(this.#store, stored.value);
      if (measured === undefined || measured.checksum === latest?.checksum) return latest;
      const version: StoredVersion = {
        data: id,
        version: (latest?.version ?? 0) + 1,
        checksum: measured.checksum,
        size: measured.size,
        ...(measured.contentType === undefined ? {} : { contentType: measured.contentType }),
        created: new Date(this.#now()).toISOString(),
        objects: measured.objects,
      };
      try {
        await this.#records.create(VERSIONS, versionId(id, version.version), version);
      } catch (error) {
        if (conflict(error)) continue;
        throw error;
      }
      const { objects: _objects, ...shown } = version;
      try {
        await this.#records.replace(DATA, stored.id, { ...stored.value, latest: shown }, stored.etag);
      } catch (error) {
        if (!conflict(error)) throw error;
      }
      return shown;
    }
    return (await this.get(id))?.value.latest;
  }

  /** One version with its objects, or undefined. */
  async version(id: string, version: number): Promise<StoredVersion | undefined> {
    return (await this.#records.get<StoredVersion>(VERSIONS, versionId(id, version)))?.value;
  }

  /**
   * Versions newest first, from `below` (exclusive) down.
   *
   * @param id - the data id
   * @param latest - the latest version number
   * @param limit - most versions
   * @param below - start below this version (default: from the latest)
   */
  async versions(id: string, latest: number, limit: number, below?: number): Promise<DataVersion[]> {
    const found: DataVersion[] = [];
    for (let n = Math.min(latest, (below ?? latest + 1) - 1); n >= 1 && found.length < limit; n--) {
      const version = await this.version(id, n);
      if (version === undefined) continue;
      const { objects: _objects, ...shown } = version;
      found.push(shown);
    }
    return found;
  }

  /** A page of tracked data, in id order of their records. */
  async list(limit: number, start?: string): Promise<{ items: DataRecord[]; next?: string }> {
    const page = await this.#records.listIds(DATA, { limit, ...(start === undefined ? {} : { start }) });
    const items: DataRecord[] = [];
    for (const id of page.ids) {
      const record = await this.#records.get<DataRecord>(DATA, id);
      if (record !== undefined) items.push(record.value);
    }
    return page.next === undefined ? { items } : { items, next: page.next };
  }
}
