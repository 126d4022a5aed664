/**
 * The SubmissionRecorder implementations behave alike: `recordRun` with the in-server
 * `localRecorder` (no HTTP) writes the same records a server then serves, checks input as the
 * API does, and turns refusals into parkit errors; `combineRecorders` fans out; a failing run
 * is recorded and its own error rethrown.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  combineRecorders,
  FormatError,
  isParkitError,
  ParkitObserver,
  recordRun,
  type SubmissionHandle,
  type SubmissionRecorder,
} from '../../src/index.js';
import { createServer, FileSystemStore, localRecorder, RecordStore } from '../../src/server/index.js';

const reporting = {
  stage: 'Run',
  success: (rows: number, seconds: number) => ({ metrics: { rows, durationSeconds: seconds } }),
  failure: (_error: unknown, seconds: number) => ({ metrics: { rows: 0, durationSeconds: seconds } }),
};

describe('localRecorder', () => {
  it('records runs into the server records that a server then serves', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parkit-local-recorder-'));
    const store = await FileSystemStore.open(dataDir);
    let now = Date.parse('2024-05-01T06:30:00Z');
    try {
      const records = new RecordStore(store);
      const recorder = localRecorder(records, () => now);
      // The sequence must exist: refusals are parkit errors with the API's code.
      const missing = await recordRun({ recorder, sequence: 'flow-a' }, reporting, async () => 1).catch(
        (e: unknown) => e,
      );
      expect(isParkitError(missing, 'PARKIT_NOT_FOUND')).toBe(true);
      expect((missing as { context: { serviceCode: string } }).context.serviceCode).toBe(
        'SEQUENCE_NOT_FOUND',
      );
      await records.create('obs-sequences', 'flow-a', {
        v: 1,
        name: 'flow-a',
        parameters: [],
        created: '2024-05-01T00:00:00.000Z',
        modified: '2024-05-01T00:00:00.000Z',
      });
      const done = await recordRun(
        { recorder, sequence: 'flow-a', tag: 'run-1', runEnvironment: { worker: 'w1' } },
        reporting,
        async () => 0,
      );
      now += 60_000;
      const failed = await recordRun({ recorder, sequence: 'flow-a', tag: 'run-2' }, reporting, async () => {
        throw new Error('boom at https://host.example/p/secret-token/x?sig=abc');
      }).catch((e: unknown) => e);
      expect((failed as Error).message).toMatch(/^boom/);
      await expect(
        recordRun({ recorder, sequence: 'flow-a', tag: 'bad tag' }, reporting, async () => 1),
      ).rejects.toBeInstanceOf(FormatError);
      // A crash between listing an id on its slot and writing the submission leaves a dangling id.
      const slot = await records.get<{ submissions: string[] }>('obs-slots', 'flow-a~run-1');
      await records.put('obs-slots', 'flow-a~run-1', {
        ...slot?.value,
        submissions: [...(slot?.value.submissions ?? []), '29991231T000000000Z-abcdef'],
      });
      await store.close();

      const server = await createServer({ dataDir, adminKey: 'k'.repeat(40) });
      try {
        const observer = new ParkitObserver({ url: server.url, adminKey: 'k'.repeat(40) });
        const first = await observer.getSubmission(done.submission);
        expect(first.metrics.find((m) => m.metric === 'rows')?.value).toBe(0);
        expect(first.statuses.map((x) => x.status)).toEqual(['Started', 'Completed']);
        expect(first.runEnvironments[0]?.data).toEqual({ worker: 'w1' });
        expect(first.created).toBe('2024-05-01T06:30:00.000Z');
        const [second] = (await observer.listSubmissions('flow-a', 'run-2')).items;
        expect(second?.status).toBe('Failed');
        // The failure message is recorded with its URL redacted.
        expect(second?.statuses.at(-1)?.message).toBe('Error: boom at https://host.example/p/…/x?…');
        expect((await observer.latestCompleted('flow-a'))?.submission.id).toBe(done.submission.id);
        // The dangling id is skipped by every reader.
        expect((await observer.listSubmissions('flow-a', 'run-1')).items.map((x) => x.id)).toEqual([
          done.submission.id,
        ]);
        expect((await observer.findSubmissions('flow-a')).items).toHaveLength(2);
      } finally {
        await server.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('combineRecorders', () => {
  it('opens on every recorder and sends every call to all; the first ref is the ref', async () => {
    const calls: string[] = [];
    const fake = (name: string): SubmissionRecorder => ({
      async start(start) {
        calls.push(`${name} start ${start.sequence}/${start.tag} ${start.stage}`);
        const handle: SubmissionHandle = {
          ref: { sequence: start.sequence, tag: start.tag ?? '?', id: name },
          submitMetrics: async (stage, metrics) =>
            void calls.push(`${name} metrics ${stage} ${JSON.stringify(metrics)}`),
          submitQuality: async (q) => void calls.push(`${name} quality ${q.tool}`),
          submitStatus: async (s) => void calls.push(`${name} status ${s.status}`),
          submitCompletedStatus: async () => void calls.push(`${name} completed`),
        };
        return handle;
      },
    });
    const { submission } = await recordRun(
      { recorder: combineRecorders(fake('a'), fake('b')), sequence: 's', tag: 't' },
      {
        ...reporting,
        success: () => ({
          metrics: { rows: 0 },
          quality: [{ stage: 'Run', tool: 'x', results: 'ok', action: 'continued' as const }],
        }),
      },
      async () => 5,
    );
    expect(submission.id).toBe('a');
    expect(calls).toEqual([
      'a start s/t Run',
      'b start s/t Run',
      'a status Started',
      'b status Started',
      'a metrics Run {"rows":0}',
      'b metrics Run {"rows":0}',
      'a quality x',
      'b quality x',
      'a completed',
      'b completed',
    ]);
    expect(() => combineRecorders()).toThrow(TypeError);
  });
});
