/**
 * `parkit observe …` as a real process against a real server: define a sequence, list
 * sequences, slots and submissions, show one, find the latest completed and the closest, the
 * delivery report with missing deliveries, `--json` output, one-line errors with exit codes,
 * and help with examples on every subcommand.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParkitObserver, type Submission } from '../../src/index.js';
import { startServer, type TestServer } from '../server/helpers.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');
let t: TestServer;
let observer: ParkitObserver;
const made: Record<string, Submission> = {};

function parkit(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      'node',
      ['--import', 'tsx', main, 'observe', ...args],
      { env: { ...process.env, PARKIT_SERVER: t.server.url, PARKIT_ADMIN_KEY: t.adminKey } },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  t = await startServer();
  observer = new ParkitObserver({ url: t.server.url, adminKey: t.adminKey });
});
afterAll(() => t.stop());

describe('parkit observe', () => {
  it('define creates a sequence, then says unchanged; a different one needs --overwrite', async () => {
    const args = [
      'define',
      'sales-daily',
      '--every',
      '1d',
      '--start',
      '2024-05-01T06:00:00Z',
      '--param',
      'source=sales',
      '--param',
      'region=eu',
    ];
    const first = await parkit(args);
    expect(first).toMatchObject({
      code: 0,
      stdout: 'created sequence sales-daily (every 86400s from 2024-05-01T06:00:00.000Z)\n',
    });
    expect((await parkit(args)).stdout).toMatch(/^unchanged sequence sales-daily/);
    const changed = await parkit([...args, '--description', 'daily sales']);
    expect(changed.code).toBe(10);
    expect(changed.stderr).toMatch(/^parkit: PARKIT_CONFLICT: .*SEQUENCE_EXISTS/);
    const json = JSON.parse(
      (await parkit([...args, '--description', 'daily sales', '--overwrite', '--json'])).stdout,
    );
    expect(json).toMatchObject({
      outcome: 'updated',
      sequence: { description: 'daily sales', parameters: [{ key: 'source' }, { key: 'region' }] },
    });
    // Seed: 05-01 completed, 05-02 failed, 05-03 completed, 05-04 nothing.
    for (const [tag, complete] of [
      ['2024-05-01', true],
      ['2024-05-02', false],
      ['2024-05-03', true],
    ] as const) {
      const { submission } = await observer.createSubmission('sales-daily', { tag, stage: 'Load' });
      await observer.submitMetrics(submission, 'Load', { rows: tag === '2024-05-03' ? 0 : 12 });
      made[tag] = complete
        ? await observer.submitCompletedStatus(submission)
        : await observer.submitStatus(submission, {
            status: 'Failed',
            stage: 'Submission',
            message: 'source late',
          });
    }
    await observer.putSequence({ name: 'empty-one' });
  });

  it('lists sequences, slots and submissions, as text and as JSON', async () => {
    const sequences = await parkit(['sequences']);
    expect(sequences.stdout).toBe(
      'empty-one\tunscheduled\t-\nsales-daily\tevery 86400s from 2024-05-01T06:00:00.000Z\tdaily sales\n',
    );
    const slots = JSON.parse((await parkit(['slots', 'sales-daily', '--json'])).stdout) as { tag: string }[];
    expect(slots.map((slot) => slot.tag)).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
    const completed = await parkit(['submissions', 'sales-daily', '--completed']);
    expect(
      completed.stdout
        .trim()
        .split('\n')
        .map((row) => row.split('\t').slice(0, 3)),
    ).toEqual([
      ['2024-05-03', made['2024-05-03']?.id, 'Completed'],
      ['2024-05-01', made['2024-05-01']?.id, 'Completed'],
    ]);
    const limited = JSON.parse(
      (await parkit(['submissions', 'sales-daily', '--oldest', '--limit', '2', '--json'])).stdout,
    );
    expect(limited.map((x: { slot: { tag: string } }) => x.slot.tag)).toEqual(['2024-05-01', '2024-05-02']);
    expect((await parkit(['submissions', 'sales-daily', '2024-05-02'])).stdout).toMatch(
      /^2024-05-02\t\S+\tFailed\tincomplete\n$/,
    );
  });

  it('show, latest and closest', async () => {
    const shown = await parkit(['show', 'sales-daily', '2024-05-03', made['2024-05-03']?.id as string]);
    expect(shown.stdout).toContain('expected   2024-05-03T06:00:00.000Z');
    expect(shown.stdout).toContain('metric     Load rows = 0');
    const latest = JSON.parse((await parkit(['latest', 'sales-daily', '--json'])).stdout);
    expect(latest.submission.id).toBe(made['2024-05-03']?.id);
    expect((await parkit(['latest', 'sales-daily', '--before', '2024-05-03'])).stdout).toMatch(
      /^2024-05-01\t/,
    );
    const closest = await parkit([
      'closest',
      'sales-daily',
      '--from',
      '2024-05-03',
      '--offset',
      '-1d',
      '--completed',
    ]);
    expect(closest.stdout).toBe(`2024-05-01\t${made['2024-05-01']?.id}\t-86400s\t-1 slots\tCompleted\n`);
    const luco = JSON.parse(
      (
        await parkit([
          'closest',
          'sales-daily',
          '--at',
          '2024-05-02T06:00:00Z',
          '--offset',
          '+0:12:00:00',
          '--direction',
          'future',
          '--json',
        ])
      ).stdout,
    );
    expect(luco).toMatchObject({ slot: { tag: '2024-05-03' }, differenceSeconds: 43_200, slotsApart: 1 });
  });

  it('the delivery report marks delivered, incomplete and missing deliveries', async () => {
    const report = await parkit([
      'deliveries',
      'sales-daily',
      '--after',
      '2024-05-01',
      '--before',
      '2024-05-05',
    ]);
    expect(
      report.stdout
        .trim()
        .split('\n')
        .map((row) => row.split('\t')[2]),
    ).toEqual(['delivered', 'incomplete', 'delivered', 'missing']);
  });

  it('says what is wrong in one line with the documented exit codes', async () => {
    const none = await parkit(['latest', 'empty-one']);
    expect(none.code).toBe(5);
    expect(none.stderr).toBe(
      'parkit: PARKIT_NOT_FOUND: no completed submission on "empty-one" in that window\n',
    );
    const unknown = await parkit(['slots', 'no-such', '--json']);
    expect(unknown.code).toBe(5);
    expect(JSON.parse(unknown.stderr).error.message).toMatch(/SEQUENCE_NOT_FOUND/);
    const badOffset = await parkit(['closest', 'sales-daily', '--from', '2024-05-03', '--offset', 'a week']);
    expect(badOffset.code).toBe(2);
    const missing = await parkit(['show', 'sales-daily', '2024-05-09', '20240101T000000000Z-000000']);
    expect(missing.code).toBe(5);
    // A field the server refuses is a remote refusal (exit 8) naming the server's code.
    const badTag = await parkit(['show', 'sales-daily', 'not a tag', '20240101T000000000Z-000000']);
    expect(badTag.code).toBe(8);
    expect(badTag.stderr).toMatch(/INVALID_TAG/);
    for (const run of [none, unknown, badOffset, missing, badTag])
      expect(run.stderr + run.stdout).not.toContain(t.adminKey);
  });

  it('has --help with examples on every subcommand', async () => {
    for (const sub of [
      'define',
      'sequences',
      'slots',
      'submissions',
      'show',
      'latest',
      'closest',
      'deliveries',
    ]) {
      const help = await parkit([sub, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:');
    }
  });
});
