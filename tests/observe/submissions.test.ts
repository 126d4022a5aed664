/**
 * What a submission holds: metrics (zero is a value; a later value replaces an earlier one),
 * quality results, the status history and its completion mark, run environments; concurrent
 * posts to one submission all land; limits answer 409; and everything survives a restart of
 * the server on the same data directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETED_STATUS, OBSERVE_LIMITS, ParkitObserver, type SubmissionRef } from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { type ObservedServer, startObserved } from './helpers.js';

let s: ObservedServer;
const fresh = async (tag: string, stage?: string): Promise<SubmissionRef> =>
  (await s.observer.createSubmission('loads', { tag, ...(stage === undefined ? {} : { stage }) })).submission;

beforeAll(async () => {
  s = await startObserved('2024-05-01T06:00:00.000Z');
  await s.observer.putSequence({ name: 'loads', description: 'nightly loads' });
});
afterAll(() => s.stop());

describe('metrics', () => {
  it('keep zero (LucoPy 1.2.3 dropped it) and negative values', async () => {
    const ref = await fresh('zeros');
    const after = await s.observer.submitMetrics(ref, 'Load', {
      rows: 0,
      rejected: 0,
      delta: -3,
      ratio: 0.5,
    });
    expect(after.metrics.map(({ metric, value }) => [metric, value])).toEqual([
      ['rows', 0],
      ['rejected', 0],
      ['delta', -3],
      ['ratio', 0.5],
    ]);
    expect((await s.observer.getSubmission(ref)).metrics.find((m) => m.metric === 'rows')?.value).toBe(0);
  });

  it("accept LucoPy's list form; a later value of a stage's metric replaces the earlier", async () => {
    const ref = await fresh('replace');
    await s.observer.submitMetrics(ref, 'Load', [{ metric: 'rows', value: 10 }]);
    s.advance(5);
    await s.observer.submitMetrics(ref, 'Check', [{ metric: 'rows', value: 7 }]);
    const after = await s.observer.submitMetrics(ref, 'Load', { rows: 0 });
    expect(after.metrics).toEqual([
      { stage: 'Load', metric: 'rows', value: 0, recorded: '2024-05-01T06:00:05.000Z' },
      { stage: 'Check', metric: 'rows', value: 7, recorded: '2024-05-01T06:00:05.000Z' },
    ]);
  });

  it('posted concurrently to one submission, every one lands', async () => {
    const ref = await fresh('concurrent');
    const count = 40;
    await Promise.all(
      Array.from({ length: count }, (_, n) =>
        s.observer.submitMetrics(ref, `worker-${n % 4}`, { [`m${n}`]: n }),
      ),
    );
    const after = await s.observer.getSubmission(ref);
    expect(after.metrics).toHaveLength(count);
    expect(after.metrics.map((m) => m.value).sort((a, b) => a - b)).toEqual(
      Array.from({ length: count }, (_, n) => n),
    );
  });

  it('concurrent metrics, quality results and statuses on one submission all land together', async () => {
    const ref = await fresh('mixed');
    await Promise.all([
      ...Array.from({ length: 10 }, (_, n) => s.observer.submitMetrics(ref, 'Load', { [`rows${n}`]: n })),
      ...Array.from({ length: 5 }, (_, n) =>
        s.observer.submitQuality(ref, {
          stage: 'Load',
          tool: `check-${n}`,
          results: { ok: true },
          action: 'continued',
        }),
      ),
      ...Array.from({ length: 5 }, (_, n) =>
        s.observer.submitStatus(ref, { status: 'Progress', message: `step ${n}` }),
      ),
    ]);
    const after = await s.observer.getSubmission(ref);
    expect([after.metrics.length, after.quality.length, after.statuses.length]).toEqual([10, 5, 5]);
  });

  it('a submission holds at most OBSERVE_LIMITS.metrics metrics (409 SUBMISSION_FULL)', async () => {
    const ref = await fresh('full');
    const per = OBSERVE_LIMITS.metricsPerRequest;
    for (let at = 0; at < OBSERVE_LIMITS.metrics; at += per) {
      await s.observer.submitMetrics(
        ref,
        'Load',
        Object.fromEntries(Array.from({ length: per }, (_, n) => [`m${at + n}`, n])),
      );
    }
    const refused = await s.observer.submitMetrics(ref, 'Load', { oneMore: 1 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'PARKIT_CONFLICT', context: { serviceCode: 'SUBMISSION_FULL' } });
    // Replacing an existing metric still works.
    expect((await s.observer.submitMetrics(ref, 'Load', { m0: 99 })).metrics).toHaveLength(
      OBSERVE_LIMITS.metrics,
    );
  });
});

describe('quality results, statuses, run environments', () => {
  it('quality results keep tool, results, dataset and action; objects are sent as JSON text', async () => {
    const ref = await fresh('quality', 'Validate');
    await s.observer.submitQuality(ref, {
      stage: 'Validate',
      tool: 'great_expectations',
      results: { success: false, failed: 2 },
      dataset: 'sales.parquet',
      action: 'cancelled',
    });
    const after = await s.observer.submitQuality(ref, {
      stage: 'Validate',
      tool: 'rowcount',
      results: 'ok',
      action: 'continued',
    });
    expect(after.quality).toEqual([
      {
        stage: 'Validate',
        tool: 'great_expectations',
        results: '{"success":false,"failed":2}',
        dataset: 'sales.parquet',
        action: 'cancelled',
        recorded: expect.any(String),
      },
      {
        stage: 'Validate',
        tool: 'rowcount',
        results: 'ok',
        action: 'continued',
        recorded: expect.any(String),
      },
    ]);
    expect(after.stage).toBe('Validate');
  });

  it('the status history; Completed/Submission marks completion once, and it stays completed', async () => {
    const ref = await fresh('statuses');
    s.setTime('2024-05-01T07:00:00.000Z');
    await s.observer.submitStatus(ref, { status: 'Started', stage: 'Load', modifiedBy: 'pipeline' });
    // "Completed" at another stage is a stage's end, not the submission's.
    let after = await s.observer.submitStatus(ref, { status: 'Completed', stage: 'Load' });
    expect(after.completed).toBeUndefined();
    s.setTime('2024-05-01T07:10:00.000Z');
    after = await s.observer.submitCompletedStatus(ref);
    expect(after.completed).toBe('2024-05-01T07:10:00.000Z');
    s.setTime('2024-05-01T07:20:00.000Z');
    after = await s.observer.submitStatus(ref, { ...COMPLETED_STATUS, message: 'again' });
    after = await s.observer.submitStatus(ref, {
      status: 'Reviewed',
      type: 'manual',
      message: 'looked fine\nreally',
    });
    expect(after.completed).toBe('2024-05-01T07:10:00.000Z');
    expect(after.status).toBe('Reviewed');
    expect(after.statuses.map((x) => [x.status, x.stage ?? null])).toEqual([
      ['Started', 'Load'],
      ['Completed', 'Load'],
      ['Completed', 'Submission'],
      ['Completed', 'Submission'],
      ['Reviewed', null],
    ]);
  });

  it('run environments at creation and later', async () => {
    const { submission } = await s.observer.createSubmission('loads', {
      tag: 'envs',
      stage: 'Load',
      runEnvironments: [{ host: 'worker-1', cores: 2, spot: false, region: null }],
    });
    const after = await s.observer.submitRunEnvironment(submission, { job: 'j-17' }, { stage: 'Publish' });
    expect(after.runEnvironments.map((x) => [x.stage, x.data])).toEqual([
      ['Load', { host: 'worker-1', cores: 2, spot: false, region: null }],
      ['Publish', { job: 'j-17' }],
    ]);
  });
});

describe('persistence', () => {
  it('sequences, slots, submissions and their finds survive a restart on the same data directory', async () => {
    const ref = await fresh('durable');
    await s.observer.submitMetrics(ref, 'Load', { rows: 0, bytes: 2048 });
    await s.observer.submitCompletedStatus(ref);
    const before = await s.observer.getSubmission(ref);
    await s.server.close();
    const again = await createServer({ dataDir: s.dataDir, adminKey: s.adminKey });
    try {
      const observer = new ParkitObserver({ url: again.url, adminKey: s.adminKey });
      expect(await observer.getSubmission(ref)).toEqual(before);
      expect((await observer.getSequence('loads')).description).toBe('nightly loads');
      expect((await observer.latestCompleted('loads'))?.submission.id).toBe(ref.id);
      expect((await observer.listSlots('loads', { limit: 1000 })).items.map((x) => x.tag)).toContain(
        'durable',
      );
      // And it keeps working after the restart.
      expect((await observer.submitMetrics(ref, 'Publish', { files: 1 })).metrics).toHaveLength(3);
    } finally {
      await again.close();
    }
  });
});
