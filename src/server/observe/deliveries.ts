/**
 * The delivery report of a window: for a scheduled sequence every expected delivery (schedule
 * point), also those nobody submitted for — the missing ones; for an unscheduled sequence its
 * slots. Each with its submission count, latest completed submission and latest status.
 *
 * @internal
 * @module
 */
import { type Delivery, OBSERVE_LIMITS, type Slot, type SlotSequence } from '../../observe/model.js';
import { ApiError } from '../http/api-error.js';
import { iso } from './fields.js';
import { windowBounds } from './keys.js';
import { pointsBetween, tagOf } from './schedule.js';
import type { SlotStore } from './slots.js';
import type { SubmissionStore } from './submissions.js';

const tooLarge = () =>
  new ApiError(
    400,
    'WINDOW_TOO_LARGE',
    `a delivery report covers at most ${OBSERVE_LIMITS.deliveries} deliveries`,
  );

/**
 * The delivery report of `[after, before)`.
 *
 * @param slots - the slots
 * @param submissions - the submissions
 * @param sequence - the sequence
 * @param after - inclusive, epoch ms
 * @param before - exclusive, epoch ms
 * @throws ApiError 400 `WINDOW_TOO_LARGE`
 */
export async function deliveryReport(
  slots: SlotStore,
  submissions: SubmissionStore,
  sequence: SlotSequence,
  after: number,
  before: number,
): Promise<Delivery[]> {
  const wanted: { tag: string; expected: number; slot: Slot | undefined }[] = [];
  if (sequence.schedule !== undefined) {
    const points = pointsBetween(sequence.schedule, after, before, OBSERVE_LIMITS.deliveries);
    if (points === undefined) throw tooLarge();
    const schedule = sequence.schedule;
    const found = await Promise.all(points.map((point) => slots.get(sequence.name, tagOf(schedule, point))));
    points.forEach((point, at) => {
      wanted.push({ tag: tagOf(schedule, point), expected: point, slot: found[at] });
    });
  } else {
    for await (const { slot } of slots.walk(
      sequence.name,
      'oldest',
      windowBounds('oldest', sequence.name, after, before),
    )) {
      if (wanted.length === OBSERVE_LIMITS.deliveries) throw tooLarge();
      wanted.push({ tag: slot.tag, expected: Date.parse(slot.expected), slot });
    }
  }
  const report: Delivery[] = [];
  for (const { tag, expected, slot } of wanted) {
    if (slot === undefined) {
      report.push({ tag, expected: iso(expected), slot: false, submissions: 0 });
      continue;
    }
    const ids = [...slot.submissions].reverse();
    let status: string | undefined;
    let completed: string | undefined;
    for (const [at, id] of ids.entries()) {
      const submission = await submissions.get(sequence.name, tag, id);
      if (at === 0) status = submission?.status;
      if (submission?.completed !== undefined) {
        completed = submission.id;
        break;
      }
    }
    report.push({
      tag,
      expected: iso(expected),
      slot: true,
      submissions: ids.length,
      ...(completed === undefined ? {} : { completed }),
      ...(status === undefined ? {} : { status }),
    });
  }
  return report;
}
