/**
 * Delivery schedules: every `everySeconds` from `start` (until `end`), each point's slot tag its
 * time formatted with `tagFormat` in UTC. A format is accepted only when every point gets its
 * own tag and each tag leads back to its point.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import type { SequenceSchedule } from '../../observe/model.js';
import { instant, invalid, iso, isSlotTag, onlyFields } from './fields.js';

const DAY = 86_400;
const MAX_EVERY = 366 * DAY;

function defaultFormat(everySeconds: number): string {
  return everySeconds % DAY === 0 ? 'yyyy-MM-dd' : "yyyy-MM-dd'T'HH:mm:ss'Z'";
}

/**
 * The tag of a point.
 *
 * @param schedule - the schedule
 * @param millis - the point, epoch ms
 */
export function tagOf(schedule: SequenceSchedule, millis: number): string {
  return DateTime.fromMillis(millis, { zone: 'utc' }).toFormat(schedule.tagFormat);
}

function startOf(schedule: SequenceSchedule): number {
  return Date.parse(schedule.start);
}

function endOf(schedule: SequenceSchedule): number {
  return schedule.end === undefined ? Number.POSITIVE_INFINITY : Date.parse(schedule.end);
}

/**
 * The k-th point (k ≥ 0), or undefined past the end.
 *
 * @param schedule - the schedule
 * @param k - the index
 */
export function pointAt(schedule: SequenceSchedule, k: number): number | undefined {
  if (k < 0) return undefined;
  const point = startOf(schedule) + k * schedule.everySeconds * 1000;
  return point > endOf(schedule) ? undefined : point;
}

/**
 * The point a tag names, if it names one.
 *
 * @param schedule - the schedule
 * @param tag - a slot tag
 */
export function pointOfTag(schedule: SequenceSchedule, tag: string): number | undefined {
  const parsed = DateTime.fromFormat(tag, schedule.tagFormat, { zone: 'utc' });
  if (!parsed.isValid) return undefined;
  const step = schedule.everySeconds * 1000;
  const near = Math.floor((parsed.toMillis() - startOf(schedule)) / step);
  for (const k of [near, near + 1, near - 1, near + 2]) {
    const point = pointAt(schedule, k);
    if (point !== undefined && tagOf(schedule, point) === tag) return point;
  }
  return undefined;
}

/**
 * The latest point at or before a time, if the schedule has started by then.
 *
 * @param schedule - the schedule
 * @param millis - the time
 */
export function pointAtOrBefore(schedule: SequenceSchedule, millis: number): number | undefined {
  const k = Math.floor((millis - startOf(schedule)) / (schedule.everySeconds * 1000));
  if (k < 0) return undefined;
  const last = Math.floor((endOf(schedule) - startOf(schedule)) / (schedule.everySeconds * 1000));
  return pointAt(schedule, Math.min(k, last));
}

/**
 * The points in `[after, before)`, oldest first, at most `limit` (undefined when there are more).
 *
 * @param schedule - the schedule
 * @param after - inclusive, epoch ms
 * @param before - exclusive, epoch ms
 * @param limit - most points
 */
export function pointsBetween(
  schedule: SequenceSchedule,
  after: number,
  before: number,
  limit: number,
): number[] | undefined {
  const step = schedule.everySeconds * 1000;
  const points: number[] = [];
  let k = Math.max(0, Math.ceil((after - startOf(schedule)) / step));
  for (
    let point = pointAt(schedule, k);
    point !== undefined && point < before;
    point = pointAt(schedule, ++k)
  ) {
    if (points.length === limit) return undefined;
    points.push(point);
  }
  return points;
}

/**
 * Check a schedule from a request body.
 *
 * @param value - the `schedule` field
 * @throws ApiError 400 `INVALID_SCHEDULE`
 */
export function checkSchedule(value: unknown): SequenceSchedule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('INVALID_SCHEDULE', 'schedule must be an object { everySeconds, start, end?, tagFormat? }');
  }
  const body = value as Record<string, unknown>;
  onlyFields(body, ['everySeconds', 'start', 'end', 'tagFormat'], 'schedule');
  const every = body.everySeconds;
  if (typeof every !== 'number' || !Number.isInteger(every) || every < 1 || every > MAX_EVERY) {
    throw invalid('INVALID_SCHEDULE', `schedule.everySeconds must be an integer from 1 to ${MAX_EVERY}`);
  }
  const start = instant(body.start, 'schedule.start');
  const end = body.end === undefined ? undefined : instant(body.end, 'schedule.end');
  if (end !== undefined && end < start)
    throw invalid('INVALID_SCHEDULE', 'schedule.end must not be before schedule.start');
  const format = body.tagFormat ?? defaultFormat(every);
  if (typeof format !== 'string' || format === '' || format.length > 64) {
    throw invalid('INVALID_SCHEDULE', 'schedule.tagFormat must be a luxon format of at most 64 characters');
  }
  const schedule: SequenceSchedule = {
    everySeconds: every,
    start: iso(start),
    ...(end === undefined ? {} : { end: iso(end) }),
    tagFormat: format,
  };
  checkTags(schedule);
  return schedule;
}

function checkTags(schedule: SequenceSchedule): void {
  const samples = [0, 1, 2, 3, 59, 365, 1000]
    .map((k) => pointAt(schedule, k))
    .filter((point) => point !== undefined);
  let previous: string | undefined;
  for (const point of samples) {
    let tag: string;
    try {
      tag = tagOf(schedule, point);
    } catch {
      tag = '';
    }
    if (!isSlotTag(tag)) {
      throw invalid(
        'INVALID_SCHEDULE',
        'schedule.tagFormat must give tags of letters, digits, ".", "_", ":", "+" or "-" (quote literal text)',
      );
    }
    if (tag === previous || pointOfTag(schedule, tag) !== point) {
      throw invalid(
        'INVALID_SCHEDULE',
        'schedule.tagFormat must give every expected delivery its own tag (too coarse for everySeconds?)',
      );
    }
    previous = tag;
  }
}
