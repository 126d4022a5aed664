/**
 * The slot sequence registry: one record per sequence (`obs-sequences/{name}`). A definition is
 * created once; putting it again is idempotent, and changing it needs `overwrite` (and, while
 * slots exist, keeping the schedule: their expected times come from it).
 *
 * @internal
 * @module
 */
import type { SlotSequence } from '../../observe/model.js';
import { ApiError } from '../http/api-error.js';
import { StoreError } from '../storage/errors.js';
import type { RecordStore, StoredRecord } from '../storage/records.js';
import { iso } from './fields.js';
import { COLLECTIONS } from './keys.js';
import type { CheckedDefinition } from './sequence-body.js';

/** The outcome of a put. */
export interface PutOutcome {
  readonly sequence: SlotSequence;
  /** `created`, `unchanged` or `updated`. */
  readonly outcome: 'created' | 'unchanged' | 'updated';
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function definitionOf(sequence: SlotSequence): CheckedDefinition {
  return {
    name: sequence.name,
    ...(sequence.description === undefined ? {} : { description: sequence.description }),
    parameters: sequence.parameters,
    ...(sequence.schedule === undefined ? {} : { schedule: sequence.schedule }),
  };
}

const isPrecondition = (error: unknown) =>
  error instanceof StoreError && error.code === 'PRECONDITION_FAILED';

/** Slot sequences by name. */
export class SequenceRegistry {
  readonly #records: RecordStore;

  /** @param records - the record store */
  constructor(records: RecordStore) {
    this.#records = records;
  }

  /**
   * Create or update a sequence.
   *
   * @param definition - the checked definition
   * @param now - epoch ms
   * @param overwrite - allow changing an existing definition
   * @throws ApiError 409 `SEQUENCE_EXISTS` (different, no overwrite), `SCHEDULE_IN_USE`
   */
  async put(definition: CheckedDefinition, now: number, overwrite: boolean): Promise<PutOutcome> {
    const time = iso(now);
    const fresh: SlotSequence = { v: 1, ...definition, created: time, modified: time };
    try {
      await this.#records.create(COLLECTIONS.sequences, definition.name, fresh);
      return { sequence: fresh, outcome: 'created' };
    } catch (error) {
      if (!isPrecondition(error)) throw error;
    }
    const stored = await this.#records.get<SlotSequence>(COLLECTIONS.sequences, definition.name);
    if (stored === undefined) return this.put(definition, now, overwrite);
    if (same(definitionOf(stored.value), definition)) return { sequence: stored.value, outcome: 'unchanged' };
    if (!overwrite) {
      throw new ApiError(
        409,
        'SEQUENCE_EXISTS',
        'a different sequence of this name exists (put with overwrite=true)',
      );
    }
    if (!same(stored.value.schedule, definition.schedule) && (await this.hasSlots(definition.name))) {
      throw new ApiError(409, 'SCHEDULE_IN_USE', 'the schedule cannot change while the sequence has slots');
    }
    const updated: SlotSequence = { v: 1, ...definition, created: stored.value.created, modified: time };
    try {
      await this.#records.replace(COLLECTIONS.sequences, definition.name, updated, stored.etag);
    } catch (error) {
      if (isPrecondition(error))
        throw new ApiError(409, 'SEQUENCE_BUSY', 'the sequence changed meanwhile; try again');
      throw error;
    }
    return { sequence: updated, outcome: 'updated' };
  }

  /**
   * One sequence.
   *
   * @param name - a valid name
   * @throws ApiError 404 `SEQUENCE_NOT_FOUND`
   */
  async get(name: string): Promise<SlotSequence> {
    const stored = await this.#records.get<SlotSequence>(COLLECTIONS.sequences, name);
    if (stored === undefined) throw new ApiError(404, 'SEQUENCE_NOT_FOUND', 'no such slot sequence');
    return stored.value;
  }

  /**
   * A page of sequences by name.
   *
   * @param limit - most sequences
   * @param start - the first name (a cursor)
   */
  async list(
    limit: number,
    start: string | undefined,
  ): Promise<{ sequences: SlotSequence[]; next?: string }> {
    const page = await this.#records.listIds(COLLECTIONS.sequences, {
      limit,
      ...(start === undefined ? {} : { start }),
    });
    const found = await Promise.all(
      page.ids.map((id) => this.#records.get<SlotSequence>(COLLECTIONS.sequences, id)),
    );
    return {
      sequences: found
        .filter((record): record is StoredRecord<SlotSequence> => record !== undefined)
        .map((r) => r.value),
      ...(page.next === undefined ? {} : { next: page.next }),
    };
  }

  /**
   * Whether a sequence has any slot.
   *
   * @param name - the sequence
   */
  async hasSlots(name: string): Promise<boolean> {
    return (await this.#records.listIds(COLLECTIONS.slots, { prefix: `${name}~`, limit: 1 })).ids.length > 0;
  }

  /**
   * Delete a sequence that has no slots.
   *
   * @param name - the sequence
   * @throws ApiError 404 `SEQUENCE_NOT_FOUND`, 409 `SEQUENCE_NOT_EMPTY`
   */
  async delete(name: string): Promise<void> {
    await this.get(name);
    if (await this.hasSlots(name)) {
      throw new ApiError(
        409,
        'SEQUENCE_NOT_EMPTY',
        'the sequence has slots; only an empty sequence can be deleted',
      );
    }
    await this.#records.delete(COLLECTIONS.sequences, name);
  }
}
