/**
 * Where the observability records live in the server's records (collections and ids), and the
 * slot time indexes: ids that sort by expected time, oldest first (`obs-slots-asc`) or newest
 * first (`obs-slots-desc`), so every find reads only the page it needs. Index entries are empty
 * documents written before their slot and checked against it when read.
 *
 * Sequence names and tags never contain `~`, so `{sequence}~` is exactly one sequence's prefix.
 *
 * @internal
 * @module
 */

/** Collections. */
export const COLLECTIONS = Object.freeze({
  sequences: 'obs-sequences',
  slots: 'obs-slots',
  ascending: 'obs-slots-asc',
  descending: 'obs-slots-desc',
  submissions: 'obs-submissions',
});

const WIDTH = 15;
const TOP = 10 ** WIDTH - 1;

/** Order of a walk over slots. */
export type SlotOrder = 'oldest' | 'newest';

const pad = (n: number) => String(n).padStart(WIDTH, '0');

/**
 * The id of a slot record.
 *
 * @param sequence - the sequence name
 * @param tag - the slot tag
 */
export function slotId(sequence: string, tag: string): string {
  return `${sequence}~${tag}`;
}

/**
 * The prefix of a slot's submission ids.
 *
 * @param sequence - the sequence name
 * @param tag - the slot tag
 */
export function submissionPrefix(sequence: string, tag: string): string {
  return `${sequence}~${tag}~`;
}

/**
 * The id of a submission record.
 *
 * @param sequence - the sequence name
 * @param tag - the slot tag
 * @param id - the submission id
 */
export function submissionRecordId(sequence: string, tag: string, id: string): string {
  return `${submissionPrefix(sequence, tag)}${id}`;
}

/**
 * The time index collection of an order.
 *
 * @param order - oldest or newest first
 */
export function indexCollection(order: SlotOrder): string {
  return order === 'oldest' ? COLLECTIONS.ascending : COLLECTIONS.descending;
}

/**
 * An index position: the sort key of a time in an order.
 *
 * @param order - oldest or newest first
 * @param millis - epoch ms
 */
export function position(order: SlotOrder, millis: number): string {
  return pad(order === 'oldest' ? millis : TOP - millis);
}

/**
 * The index entry of a slot.
 *
 * @param order - oldest or newest first
 * @param sequence - the sequence name
 * @param millis - the slot's expected time
 * @param tag - the slot tag
 */
export function indexId(order: SlotOrder, sequence: string, millis: number, tag: string): string {
  return `${sequence}~${position(order, millis)}~${tag}`;
}

/** An index entry read back. */
export interface IndexEntry {
  readonly expected: number;
  readonly tag: string;
}

/**
 * Read an index entry's id (of the given sequence).
 *
 * @param order - oldest or newest first
 * @param sequence - the sequence name
 * @param id - the entry id
 * @returns undefined for an id of another shape
 */
export function parseIndexId(order: SlotOrder, sequence: string, id: string): IndexEntry | undefined {
  const rest = id.startsWith(`${sequence}~`) ? id.slice(sequence.length + 1) : undefined;
  if (rest === undefined || rest.length < WIDTH + 2 || rest[WIDTH] !== '~') return undefined;
  const number = Number(rest.slice(0, WIDTH));
  if (!Number.isSafeInteger(number)) return undefined;
  return { expected: order === 'oldest' ? number : TOP - number, tag: rest.slice(WIDTH + 1) };
}

/**
 * The index bounds of a window `[after, before)` in an order.
 *
 * @param order - oldest or newest first
 * @param sequence - the sequence name
 * @param after - inclusive, epoch ms (undefined: unbounded)
 * @param before - exclusive, epoch ms (undefined: unbounded)
 */
export function windowBounds(
  order: SlotOrder,
  sequence: string,
  after: number | undefined,
  before: number | undefined,
): { start?: string; end?: string } {
  const at = (millis: number) => `${sequence}~${position(order, millis)}`;
  if (order === 'oldest') {
    return {
      ...(after === undefined ? {} : { start: at(after) }),
      ...(before === undefined ? {} : { end: at(before) }),
    };
  }
  // Newest first: times below `before` start at the position of `before - 1`; times from
  // `after` on end before the position of `after - 1`. Nothing is below 0.
  if (before !== undefined && before <= 0) return { start: at(0), end: at(0) };
  return {
    ...(before === undefined ? {} : { start: at(before - 1) }),
    ...(after === undefined || after <= 0 ? {} : { end: at(after - 1) }),
  };
}
