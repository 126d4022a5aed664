/**
 * Finding submissions on a sequence, as LucoPy's find methods: a paginated walk over the slots
 * of a time window (oldest or newest first) with LucoPy's filters (only completed, only the
 * latest submission of each slot, only the latest slot), the latest completed submission, and
 * the submission closest to a time (historic, future, either or exact).
 *
 * Slots are walked through their time index, so a find reads only the slots it needs; one
 * request walks at most `OBSERVE_LIMITS.scanSlots` slots and hands out a cursor for the rest.
 *
 * @internal
 * @module
 */
import {
  type ClosestSubmission,
  type FindDirection,
  OBSERVE_LIMITS,
  type Slot,
  type SlotSubmission,
  type Submission,
} from '../../observe/model.js';
import type { WalkCursor } from './cursor.js';
import { iso } from './fields.js';
import { type SlotOrder, windowBounds } from './keys.js';
import type { SlotStore } from './slots.js';
import type { SubmissionStore } from './submissions.js';

/** A sequence-level listing. */
export interface WalkQuery {
  readonly order: SlotOrder;
  /** Slots expected at or after this (epoch ms). */
  readonly after?: number | undefined;
  /** Slots expected before this (epoch ms). */
  readonly before?: number | undefined;
  readonly onlyCompleted: boolean;
  readonly onlyLatestSubmission: boolean;
  readonly onlyLatestSlot: boolean;
  readonly limit: number;
  readonly cursor?: WalkCursor | undefined;
}

/** A page of a sequence-level listing. */
export interface WalkPage {
  readonly items: SlotSubmission[];
  readonly next?: WalkCursor;
}

interface Filter {
  readonly onlyCompleted: boolean;
  readonly onlyLatestSubmission: boolean;
}

const CHUNK = 16;

/** Sequence-level finds over the slot and submission stores. */
export class SubmissionFinder {
  readonly #slots: SlotStore;
  readonly #submissions: SubmissionStore;

  /**
   * @param slots - the slots
   * @param submissions - the submissions
   */
  constructor(slots: SlotStore, submissions: SubmissionStore) {
    this.#slots = slots;
    this.#submissions = submissions;
  }

  /**
   * A slot's submissions that pass the filter, in the walk's order, after `skip` (the last
   * one already given).
   */
  async #matches(slot: Slot, filter: Filter, order: SlotOrder, skip?: string): Promise<Submission[]> {
    const newestFirst = [...slot.submissions].reverse();
    const passes = (submission: Submission | undefined): submission is Submission =>
      submission !== undefined && (!filter.onlyCompleted || submission.completed !== undefined);
    let found: Submission[] = [];
    if (filter.onlyLatestSubmission) {
      for (const id of newestFirst) {
        const submission = await this.#submissions.get(slot.sequence, slot.tag, id);
        if (passes(submission)) {
          found = [submission];
          break;
        }
      }
    } else {
      for (let at = 0; at < newestFirst.length; at += CHUNK) {
        const read = await Promise.all(
          newestFirst.slice(at, at + CHUNK).map((id) => this.#submissions.get(slot.sequence, slot.tag, id)),
        );
        found.push(...read.filter(passes));
      }
    }
    if (order === 'oldest') found.reverse();
    if (skip === undefined) return found;
    return found.filter((submission) => (order === 'oldest' ? submission.id > skip : submission.id < skip));
  }

  /**
   * One page of a sequence's submissions with their slots.
   *
   * @param sequence - the sequence name
   * @param query - window, filters, order, page
   */
  async list(sequence: string, query: WalkQuery): Promise<WalkPage> {
    const bounds = windowBounds(query.order, sequence, query.after, query.before);
    const cursor = query.cursor;
    const items: SlotSubmission[] = [];
    let scanned = 0;
    const walk = this.#slots.walk(sequence, query.order, {
      start: cursor?.k ?? bounds.start,
      end: bounds.end,
    });
    for await (const { indexId, slot } of walk) {
      const resumed = cursor !== undefined && indexId === cursor.k;
      if (resumed && cursor.x === 1) continue;
      const skip = resumed ? cursor.a : undefined;
      const matches = await this.#matches(slot, query, query.order, skip);
      if (matches.length > 0) {
        const room = query.limit - items.length;
        const resume = (a: string | undefined): WalkCursor => ({
          o: query.order,
          k: indexId,
          ...(a === undefined ? {} : { a }),
        });
        if (room === 0) return { items, next: resume(skip) };
        const taken = matches.slice(0, room);
        for (const submission of taken) items.push({ slot, submission });
        if (taken.length < matches.length) return { items, next: resume(taken.at(-1)?.id) };
        if (query.onlyLatestSlot) return { items };
      }
      if (++scanned >= OBSERVE_LIMITS.scanSlots) return { items, next: { o: query.order, k: indexId, x: 1 } };
    }
    return { items };
  }

  /**
   * The latest completed submission of the latest slot that has one, in a window.
   *
   * @param sequence - the sequence name
   * @param after - slots expected at or after this (epoch ms)
   * @param before - slots expected before this (epoch ms)
   */
  async latestCompleted(
    sequence: string,
    after: number | undefined,
    before: number | undefined,
  ): Promise<SlotSubmission | undefined> {
    const page = await this.list(sequence, {
      order: 'newest',
      after,
      before,
      onlyCompleted: true,
      onlyLatestSubmission: true,
      onlyLatestSlot: true,
      limit: 1,
    });
    return page.items[0];
  }

  /**
   * The submission closest to a time: the latest (completed) submission of the nearest slot
   * with one, looking back (`historic`), forward (`future`), both ways (`either`, the nearer;
   * a tie goes to the past) or only at the time itself (`exact`).
   *
   * @param sequence - the sequence name
   * @param target - epoch ms
   * @param direction - which way to look
   * @param onlyCompleted - only completed submissions
   */
  async closest(
    sequence: string,
    target: number,
    direction: FindDirection,
    onlyCompleted: boolean,
  ): Promise<ClosestSubmission | undefined> {
    if (direction === 'either') {
      const [past, future] = await Promise.all([
        this.#look(sequence, target, 'newest', onlyCompleted, false),
        this.#look(sequence, target, 'oldest', onlyCompleted, false),
      ]);
      if (past === undefined || future === undefined) return past ?? future;
      return Math.abs(past.differenceSeconds) <= Math.abs(future.differenceSeconds) ? past : future;
    }
    if (direction === 'exact') return this.#look(sequence, target, 'oldest', onlyCompleted, true);
    return this.#look(sequence, target, direction === 'historic' ? 'newest' : 'oldest', onlyCompleted, false);
  }

  async #look(
    sequence: string,
    target: number,
    order: SlotOrder,
    onlyCompleted: boolean,
    exactOnly: boolean,
  ): Promise<ClosestSubmission | undefined> {
    const bounds =
      order === 'newest'
        ? windowBounds(order, sequence, undefined, target + 1)
        : windowBounds(order, sequence, target, exactOnly ? target + 1 : undefined);
    const sign = order === 'newest' ? -1 : 1;
    let away = 0;
    let scanned = 0;
    for await (const { slot } of this.#slots.walk(sequence, order, bounds)) {
      const expected = Date.parse(slot.expected);
      const slotsApart = expected === target ? 0 : sign * ++away;
      const [submission] = await this.#matches(slot, { onlyCompleted, onlyLatestSubmission: true }, order);
      if (submission !== undefined) {
        return {
          slot,
          submission,
          target: iso(target),
          exact: expected === target,
          differenceSeconds: (expected - target) / 1000,
          slotsApart,
        };
      }
      if (++scanned >= OBSERVE_LIMITS.scanSlots) return undefined;
    }
    return undefined;
  }
}
