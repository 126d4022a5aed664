/**
 * The observability state of one server: sequences, slots, submissions and the finds over
 * them, all on the server's records (no other store).
 *
 * @internal
 * @module
 */
import type { RecordStore } from '../storage/records.js';
import { SubmissionFinder } from './find.js';
import { SequenceRegistry } from './sequences.js';
import { SlotStore } from './slots.js';
import { SubmissionStore } from './submissions.js';

/** Everything the observability routes use. */
export interface Observatory {
  readonly sequences: SequenceRegistry;
  readonly slots: SlotStore;
  readonly submissions: SubmissionStore;
  readonly finder: SubmissionFinder;
}

const made = new WeakMap<RecordStore, Observatory>();

/**
 * The observatory over a record store (one per store).
 *
 * @param records - the server's records
 */
export function observatory(records: RecordStore): Observatory {
  let found = made.get(records);
  if (found === undefined) {
    const slots = new SlotStore(records);
    const submissions = new SubmissionStore(records, slots);
    found = {
      sequences: new SequenceRegistry(records),
      slots,
      submissions,
      finder: new SubmissionFinder(slots, submissions),
    };
    made.set(records, found);
  }
  return found;
}
