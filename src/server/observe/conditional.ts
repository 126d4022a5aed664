/**
 * Changing one record safely under concurrency: read it, compute the next value, replace it
 * only if it is still at the version read (`If-Match`), and redo the change on the new version
 * when another writer got there first (jittered backoff). Nothing written concurrently is lost.
 *
 * @internal
 * @module
 */
import type { ApiError } from '../http/api-error.js';
import { StoreError } from '../storage/errors.js';
import type { RecordStore } from '../storage/records.js';

/** Attempts of one change before giving up. */
const MAX_ATTEMPTS = 64;

const pause = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

/** What a change is refused with. */
export interface ChangeRefusals {
  /** The record does not exist. */
  readonly missing: () => ApiError;
  /** It changed too often to land (after every attempt). */
  readonly busy: () => ApiError;
  /** The next value is larger than a record may be. */
  readonly full: () => ApiError;
}

/**
 * Change a record until the change lands.
 *
 * @param records - the record store
 * @param collection - its collection
 * @param id - its id
 * @param change - the next value from the current one; `undefined` to leave it as it is
 *   (throw an ApiError to refuse)
 * @param refusals - the errors for a missing, busy or full record
 * @returns the value stored after the change (or the current one when unchanged)
 */
export async function changeRecord<T>(
  records: RecordStore,
  collection: string,
  id: string,
  change: (current: T) => T | undefined,
  refusals: ChangeRefusals,
): Promise<T> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await records.get<T>(collection, id);
    if (current === undefined) throw refusals.missing();
    const next = change(current.value);
    if (next === undefined) return current.value;
    try {
      await records.replace(collection, id, next, current.etag);
      return next;
    } catch (error) {
      if (error instanceof RangeError) throw refusals.full();
      if (!(error instanceof StoreError && error.code === 'PRECONDITION_FAILED')) throw error;
      await pause(attempt);
    }
  }
  throw refusals.busy();
}
