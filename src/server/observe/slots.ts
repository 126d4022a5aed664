/**
 * Slots: one record per expected delivery (`obs-slots/{sequence}~{tag}`) plus its two time
 * index entries. A slot is found or created by tag (LucoPy's `find_slot_id`): on a scheduled
 * sequence the tag must be a schedule point (its time is the point); on an unscheduled one any
 * unique tag is a new slot, expected when the caller says (default: now).
 *
 * Creation writes the index entries first, then the slot with a conditional create: a crash
 * leaves at most an index entry without a slot, which readers skip. A slot lists its
 * submissions' ids, each added (conditionally) before its submission is written, so finds never
 * list the submissions collection; an id whose submission is missing is skipped.
 *
 * @internal
 * @module
 */
import { OBSERVE_LIMITS, type Slot, type SlotSequence } from '../../observe/model.js';
import { ApiError } from '../http/api-error.js';
import { StoreError } from '../storage/errors.js';
import type { RecordStore } from '../storage/records.js';
import { changeRecord } from './conditional.js';
import { iso } from './fields.js';
import { COLLECTIONS, indexCollection, indexId, parseIndexId, type SlotOrder, slotId } from './keys.js';
import { pointAtOrBefore, pointOfTag, tagOf } from './schedule.js';

/** What names the slot to find or create. */
export interface SlotRequest {
  readonly tag?: string;
  /** For a scheduled sequence without a tag: the latest point at or before this time. */
  readonly at?: number;
  /** For an unscheduled sequence: when the delivery is expected (default: now). */
  readonly expected?: number;
}

/** A slot read from an index. */
export interface IndexedSlot {
  readonly indexId: string;
  readonly slot: Slot;
}

/** A unique tag for an unscheduled slot: the time in ISO basic form with milliseconds. */
function timeTag(millis: number): string {
  return iso(millis).replace(/[-:]/g, '');
}

/** Slots of sequences. */
export class SlotStore {
  readonly #records: RecordStore;

  /** @param records - the record store */
  constructor(records: RecordStore) {
    this.#records = records;
  }

  /**
   * Find or create a slot.
   *
   * @param sequence - the sequence
   * @param request - tag, or time
   * @param now - epoch ms
   * @returns the slot and whether this call created it
   * @throws ApiError 400 `TAG_NOT_ON_SCHEDULE`, `INVALID_REQUEST`; 409 `SCHEDULE_NOT_STARTED`
   */
  async findOrCreate(
    sequence: SlotSequence,
    request: SlotRequest,
    now: number,
  ): Promise<{ slot: Slot; created: boolean }> {
    const { tag, expected } = this.#resolve(sequence, request, now);
    const existing = await this.get(sequence.name, tag);
    if (existing !== undefined) return { slot: existing, created: false };
    const slot: Slot = {
      v: 1,
      sequence: sequence.name,
      tag,
      expected: iso(expected),
      scheduled: sequence.schedule !== undefined,
      created: iso(now),
      submissions: [],
    };
    await Promise.all(
      (['oldest', 'newest'] as const).map((order) =>
        this.#records.put(indexCollection(order), indexId(order, sequence.name, expected, tag), {}),
      ),
    );
    try {
      await this.#records.create(COLLECTIONS.slots, slotId(sequence.name, tag), slot);
      return { slot, created: true };
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'PRECONDITION_FAILED')) throw error;
      // Another request created it first: theirs stands.
      const winner = await this.get(sequence.name, tag);
      if (winner === undefined) throw error;
      return { slot: winner, created: false };
    }
  }

  #resolve(sequence: SlotSequence, request: SlotRequest, now: number): { tag: string; expected: number } {
    const schedule = sequence.schedule;
    if (schedule !== undefined) {
      if (request.expected !== undefined) {
        throw new ApiError(400, 'INVALID_REQUEST', 'expected is set by the schedule of this sequence');
      }
      if (request.tag !== undefined) {
        const point = pointOfTag(schedule, request.tag);
        if (point === undefined) {
          throw new ApiError(
            400,
            'TAG_NOT_ON_SCHEDULE',
            `tag is not an expected delivery of this sequence (tags look like ${JSON.stringify(tagOf(schedule, Date.parse(schedule.start)))})`,
          );
        }
        return { tag: request.tag, expected: point };
      }
      const point = pointAtOrBefore(schedule, request.at ?? now);
      if (point === undefined) {
        throw new ApiError(
          409,
          'SCHEDULE_NOT_STARTED',
          'no delivery of this sequence is expected by that time',
        );
      }
      return { tag: tagOf(schedule, point), expected: point };
    }
    if (request.at !== undefined) {
      throw new ApiError(
        400,
        'INVALID_REQUEST',
        'at picks a point of a schedule; this sequence has none (give a tag)',
      );
    }
    const expected = request.expected ?? now;
    return { tag: request.tag ?? timeTag(now), expected };
  }

  /**
   * One slot.
   *
   * @param sequence - the sequence name
   * @param tag - the tag
   */
  async get(sequence: string, tag: string): Promise<Slot | undefined> {
    return (await this.#records.get<Slot>(COLLECTIONS.slots, slotId(sequence, tag)))?.value;
  }

  /**
   * Add a submission id to a slot's list (kept in id order, so in creation order).
   *
   * @param sequence - the sequence name
   * @param tag - the slot tag
   * @param id - the new submission's id
   * @returns false when the slot already lists this id (draw another)
   * @throws ApiError 404 `SLOT_NOT_FOUND`, 409 `SLOT_FULL` / `SLOT_BUSY`
   */
  async addSubmission(sequence: string, tag: string, id: string): Promise<boolean> {
    let added = false;
    await changeRecord<Slot>(
      this.#records,
      COLLECTIONS.slots,
      slotId(sequence, tag),
      (slot) => {
        added = false;
        if (slot.submissions.includes(id)) return undefined;
        if (slot.submissions.length >= OBSERVE_LIMITS.submissionsPerSlot) {
          throw new ApiError(
            409,
            'SLOT_FULL',
            `a slot holds at most ${OBSERVE_LIMITS.submissionsPerSlot} submissions`,
          );
        }
        added = true;
        return { ...slot, submissions: [...slot.submissions, id].sort() };
      },
      {
        missing: () => new ApiError(404, 'SLOT_NOT_FOUND', 'no such slot'),
        busy: () => new ApiError(409, 'SLOT_BUSY', 'the slot is changing too often; try again'),
        full: () => new ApiError(409, 'SLOT_FULL', 'the slot record has reached its largest size'),
      },
    );
    return added;
  }

  /**
   * Walk a sequence's slots in time order, one index page at a time.
   *
   * @param sequence - the sequence name
   * @param order - oldest or newest first
   * @param bounds - index ids: start (inclusive), end (exclusive)
   * @returns slots with their index ids; index entries without a matching slot are skipped
   */
  async *walk(
    sequence: string,
    order: SlotOrder,
    bounds: { readonly start?: string | undefined; readonly end?: string | undefined },
  ): AsyncIterable<IndexedSlot> {
    let start = bounds.start;
    // Most finds stop at the first slots: start with a small page, grow it for long walks.
    let limit = 8;
    for (;;) {
      const page = await this.#records.listIds(indexCollection(order), {
        prefix: `${sequence}~`,
        ...(start === undefined ? {} : { start }),
        ...(bounds.end === undefined ? {} : { end: bounds.end }),
        limit,
      });
      limit = Math.min(limit * 4, 512);
      for (const id of page.ids) {
        const entry = parseIndexId(order, sequence, id);
        if (entry === undefined) continue;
        const slot = await this.get(sequence, entry.tag);
        // An entry whose slot is missing (being created, or a crash) or has another time is skipped.
        if (slot === undefined || Date.parse(slot.expected) !== entry.expected) continue;
        yield { indexId: id, slot };
      }
      if (page.next === undefined) return;
      start = page.next;
    }
  }
}
