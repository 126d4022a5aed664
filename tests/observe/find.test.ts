/**
 * Finding submissions on a sequence, on a server whose clock the test sets: the latest
 * completed, the closest to a time (historic / future / either / exact, from a time or from a
 * slot plus an offset), windows, LucoPy's filters, pagination, the delivery report with missing
 * deliveries, and slots ordered by expected time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlotSubmission, Submission } from '../../src/index.js';
import { type ObservedServer, startObserved } from './helpers.js';

let s: ObservedServer;
const H = (hour: number) =>
  new Date(Date.parse('2024-05-01T00:00:00Z') + hour * 3_600_000).toISOString().replace('.000Z', 'Z');
/** Submissions by slot hour, oldest first. */
const made = new Map<number, Submission[]>();

async function submit(hour: number, complete: boolean): Promise<Submission> {
  s.advance(1);
  const { submission } = await s.observer.createSubmission('hourly', { tag: H(hour), stage: 'Load' });
  if (complete) await s.observer.submitCompletedStatus(submission);
  else await s.observer.submitStatus(submission, { status: 'Failed', stage: 'Load', message: 'no rows' });
  made.set(hour, [...(made.get(hour) ?? []), submission]);
  return submission;
}

const ids = (items: readonly SlotSubmission[]) => items.map((item) => item.submission.id);

beforeAll(async () => {
  s = await startObserved('2024-05-01T10:00:00.000Z');
  await s.observer.putSequence({
    name: 'hourly',
    parameters: [{ key: 'source', value: 'meters' }],
    schedule: { everySeconds: 3600, start: '2024-05-01T00:00:00Z' },
  });
  // h0 completed · h1 failed · h2 completed then failed · h3 none · h4 completed ·
  // h5 completed twice · h6 none · h7 failed
  await submit(0, true);
  await submit(1, false);
  await submit(2, true);
  await submit(2, false);
  await submit(4, true);
  await submit(5, true);
  await submit(5, true);
  await submit(7, false);
});
afterAll(() => s.stop());

describe('latest completed', () => {
  it('is the latest completed submission of the latest slot with one', async () => {
    const latest = await s.observer.latestCompleted('hourly');
    expect(latest?.slot.tag).toBe(H(5));
    expect(latest?.submission.id).toBe(made.get(5)?.[1]?.id);
    expect(latest?.submission.completed).toBeDefined();
  });

  it('within a window [after, before)', async () => {
    expect((await s.observer.latestCompleted('hourly', { before: H(5) }))?.slot.tag).toBe(H(4));
    expect((await s.observer.latestCompleted('hourly', { after: H(2), before: H(4) }))?.submission.id).toBe(
      made.get(2)?.[0]?.id,
    );
    expect(await s.observer.latestCompleted('hourly', { after: H(6) })).toBeUndefined();
  });

  it('an unknown sequence is NotFound, not "none"', async () => {
    await expect(s.observer.latestCompleted('nosuch')).rejects.toMatchObject({ code: 'PARKIT_NOT_FOUND' });
  });
});

describe('closest to a time', () => {
  it('historic: the nearest slot at or before, counting the slots in between', async () => {
    const found = await s.observer.findClosest('hourly', { at: H(3) }, { onlyCompleted: true });
    expect(found).toMatchObject({
      exact: false,
      differenceSeconds: -3600,
      slotsApart: -1,
      target: `${H(3).slice(0, -1)}.000Z`,
    });
    expect(found?.submission.id).toBe(made.get(2)?.[0]?.id);
    const any = await s.observer.findClosest('hourly', { at: H(3) });
    expect(any?.submission.id).toBe(made.get(2)?.[1]?.id);
    // h7 (failed) and h6 (no slot) lie between 07:30 and h5: h7 counts, h6 does not exist.
    const skipped = await s.observer.findClosest(
      'hourly',
      { at: '2024-05-01T07:30:00Z' },
      { onlyCompleted: true },
    );
    expect(skipped).toMatchObject({ slotsApart: -2, differenceSeconds: -9000 });
    expect(skipped?.slot.tag).toBe(H(5));
  });

  it('future: the nearest slot at or after', async () => {
    const found = await s.observer.findClosest(
      'hourly',
      { at: H(3) },
      { direction: 'future', onlyCompleted: true },
    );
    expect(found).toMatchObject({ exact: false, differenceSeconds: 3600, slotsApart: 1 });
    expect(found?.slot.tag).toBe(H(4));
    expect(await s.observer.findClosest('hourly', { at: H(8) }, { direction: 'future' })).toBeUndefined();
  });

  it('either: the nearer one, a tie going to the past', async () => {
    const later = await s.observer.findClosest(
      'hourly',
      { at: '2024-05-01T03:20:00Z' },
      { direction: 'either', onlyCompleted: true },
    );
    expect(later?.slot.tag).toBe(H(4));
    expect(later?.differenceSeconds).toBe(2400);
    const tie = await s.observer.findClosest(
      'hourly',
      { at: H(3) },
      { direction: 'either', onlyCompleted: true },
    );
    expect(tie?.slot.tag).toBe(H(2));
  });

  it('exact: only a slot expected at the time itself', async () => {
    const found = await s.observer.findClosest('hourly', { at: H(4) }, { direction: 'exact' });
    expect(found).toMatchObject({ exact: true, differenceSeconds: 0, slotsApart: 0 });
    expect(await s.observer.findClosest('hourly', { at: H(3) }, { direction: 'exact' })).toBeUndefined();
    expect(
      await s.observer.findClosest('hourly', { at: H(1) }, { direction: 'exact', onlyCompleted: true }),
    ).toBeUndefined();
  });

  it('from a slot plus an offset (LucoPy: a reference submission and a time difference)', async () => {
    // Four hours before h5 is h1, whose only submission failed: the completed one before is h0.
    const found = await s.observer.findClosest(
      'hourly',
      { from: H(5), offsetSeconds: -4 * 3600 },
      { onlyCompleted: true },
    );
    expect(found).toMatchObject({ slotsApart: -1, exact: false });
    expect(found?.slot.tag).toBe(H(0));
    const exact = await s.observer.findClosest('hourly', { from: H(5), offsetSeconds: -4 * 3600 });
    expect(exact).toMatchObject({ exact: true, slotsApart: 0 });
    await expect(s.observer.findClosest('hourly', { from: H(6) })).rejects.toMatchObject({
      code: 'PARKIT_NOT_FOUND',
    });
  });
});

describe('submissions across slots', () => {
  const all = async (options: Parameters<ObservedServer['observer']['findSubmissions']>[1] = {}) =>
    (await s.observer.findSubmissions('hourly', { ...options, limit: 1000 })).items;

  it('newest slots first by default, each slot newest submission first; oldest first reverses both', async () => {
    const newest = ids(await all());
    const expected = [7, 5, 4, 2, 1, 0].flatMap((hour) =>
      [...(made.get(hour) ?? [])].reverse().map((x) => x.id),
    );
    expect(newest).toEqual(expected);
    expect(ids(await all({ order: 'oldest' }))).toEqual([...expected].reverse());
  });

  it("LucoPy's filters: only completed, only the latest submission, only the latest slot", async () => {
    expect((await all({ onlyCompleted: true })).map((i) => i.slot.tag)).toEqual([
      H(5),
      H(5),
      H(4),
      H(2),
      H(0),
    ]);
    expect((await all({ onlyLatestSubmission: true })).map((i) => i.submission.id)).toEqual(
      [7, 5, 4, 2, 1, 0].map((hour) => made.get(hour)?.at(-1)?.id),
    );
    // The latest submission of h2 failed: with both filters, h2 gives its completed one.
    const both = await all({ onlyCompleted: true, onlyLatestSubmission: true });
    expect(both.map((i) => i.submission.id)).toEqual([
      made.get(5)?.[1]?.id,
      made.get(4)?.[0]?.id,
      made.get(2)?.[0]?.id,
      made.get(0)?.[0]?.id,
    ]);
    expect(ids(await all({ onlyLatestSlot: true }))).toEqual([...(made.get(7) ?? [])].map((x) => x.id));
    expect(ids(await all({ onlyLatestSlot: true, onlyCompleted: true, onlyLatestSubmission: true }))).toEqual(
      [made.get(5)?.[1]?.id],
    );
  });

  it('within a window [after, before)', async () => {
    expect((await all({ after: H(2), before: H(5) })).map((i) => i.slot.tag)).toEqual([H(4), H(2), H(2)]);
    expect(await all({ after: H(8) })).toEqual([]);
  });

  it('pages hold limit items and resume exactly, in both orders and with filters', async () => {
    for (const options of [
      {},
      { order: 'oldest' as const },
      { onlyCompleted: true },
      { onlyLatestSubmission: true },
    ]) {
      const whole = ids(await all(options));
      for (const limit of [1, 2, 3]) {
        const paged: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await s.observer.findSubmissions('hourly', {
            ...options,
            limit,
            ...(cursor === undefined ? {} : { cursor }),
          });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          paged.push(...ids(page.items));
          cursor = page.next;
          pages++;
        } while (cursor !== undefined);
        expect(paged).toEqual(whole);
        expect(pages).toBe(Math.max(1, Math.ceil(whole.length / limit)));
      }
    }
  });

  it('a slot lists its submission ids, oldest first', async () => {
    expect((await s.observer.getSlot('hourly', H(5))).submissions).toEqual(made.get(5)?.map((x) => x.id));
    expect((await s.observer.getSlot('hourly', H(0))).submissions).toEqual([made.get(0)?.[0]?.id]);
  });

  it("one slot's submissions page oldest first", async () => {
    const first = await s.observer.listSubmissions('hourly', H(5), { limit: 1 });
    expect(first.items.map((x) => x.id)).toEqual([made.get(5)?.[0]?.id]);
    const second = await s.observer.listSubmissions('hourly', H(5), {
      limit: 1,
      cursor: first.next as string,
    });
    expect(second.items.map((x) => x.id)).toEqual([made.get(5)?.[1]?.id]);
    expect(second.next).toBeUndefined();
  });
});

describe('slots and schedules', () => {
  it('the slot of a scheduled sequence defaults to the delivery due now', async () => {
    s.setTime('2024-05-01T11:59:59.000Z');
    const { slot } = await s.observer.createSubmission('hourly');
    expect(slot).toMatchObject({ tag: H(11), expected: '2024-05-01T11:00:00.000Z', scheduled: true });
    expect((await s.observer.findSlot('hourly', { at: '2024-05-01T09:30:00Z' })).tag).toBe(H(9));
  });

  it('a schedule with an end expects nothing after it', async () => {
    await s.observer.putSequence({
      name: 'ends',
      schedule: { everySeconds: 86_400, start: '2024-05-01T06:00:00Z', end: '2024-05-03T06:00:00Z' },
    });
    expect((await s.observer.findSlot('ends', { tag: '2024-05-03' })).expected).toBe(
      '2024-05-03T06:00:00.000Z',
    );
    await expect(s.observer.findSlot('ends', { tag: '2024-05-04' })).rejects.toMatchObject({ status: 400 });
    expect((await s.observer.findSlot('ends', { at: '2024-06-01T00:00:00Z' })).tag).toBe('2024-05-03');
  });

  it('unscheduled slots order by expected time, not by creation; a default tag is the time', async () => {
    await s.observer.putSequence({ name: 'adhoc' });
    s.setTime('2024-05-02T08:00:00.000Z');
    await s.observer.findSlot('adhoc', { tag: 'late', expected: '2024-05-03T00:00:00Z' });
    await s.observer.findSlot('adhoc', { tag: 'early', expected: '2024-05-02T00:00:00Z' });
    const auto = await s.observer.findSlot('adhoc');
    expect(auto).toMatchObject({
      tag: '20240502T080000.000Z',
      expected: '2024-05-02T08:00:00.000Z',
      scheduled: false,
    });
    expect((await s.observer.listSlots('adhoc')).items.map((slot) => slot.tag)).toEqual([
      'early',
      auto.tag,
      'late',
    ]);
    expect(
      (await s.observer.listSlots('adhoc', { order: 'newest', limit: 2 })).items.map((x) => x.tag),
    ).toEqual(['late', auto.tag]);
    // Finding an existing tag again returns it unchanged.
    expect(
      (await s.observer.findSlot('adhoc', { tag: 'late', expected: '2030-01-01T00:00:00Z' })).expected,
    ).toBe('2024-05-03T00:00:00.000Z');
  });

  it('slot listings page exactly', async () => {
    const whole = (await s.observer.listSlots('hourly', { limit: 1000 })).items.map((x) => x.tag);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.observer.listSlots('hourly', {
        limit: 2,
        ...(cursor === undefined ? {} : { cursor }),
      });
      paged.push(...page.items.map((x) => x.tag));
      cursor = page.next;
    } while (cursor !== undefined);
    expect(paged).toEqual(whole);
    expect(whole).toEqual([0, 1, 2, 4, 5, 7, 9, 11].map(H));
  });
});

describe('the delivery report', () => {
  it('lists every expected delivery of a window, the missing ones too', async () => {
    const report = await s.observer.deliveries('hourly', { after: H(0), before: H(8) });
    expect(report.map((d) => d.tag)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(H));
    expect(report.filter((d) => !d.slot).map((d) => d.tag)).toEqual([H(3), H(6)]);
    expect(report[2]).toMatchObject({
      slot: true,
      submissions: 2,
      completed: made.get(2)?.[0]?.id,
      status: 'Failed',
    });
    expect(report[1]).toMatchObject({ submissions: 1, status: 'Failed' });
    expect(report[1]?.completed).toBeUndefined();
    expect(report[5]).toMatchObject({ submissions: 2, completed: made.get(5)?.[1]?.id, status: 'Completed' });
  });
});
