/**
 * `--observe` on the commands that deliver data, as real processes against a real server:
 * `parkit get` of one object and of a whole bucket, and `parkit watch`, each recorded as a
 * submission (bytes, objects, checksum verification, Completed); a failed get recorded as
 * Failed; and bad `--observe` use refused before anything is downloaded.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKSUM_TOOL, ParkitObserver, type Submission } from '../../src/index.js';
import { identityFile, parkit, spawnParkit } from '../cli/helpers/run.js';
import { startServer, type TestServer } from '../server/helpers.js';

let t: TestServer;
let observer: ParkitObserver;
let identity: string;
let env: Record<string, string>;
const REPORT = 'region,sales\nnorth,12\nsouth,7\n';

const fresh = (name: string) => mkdtempSync(join(tmpdir(), `parkit-observe-${name}-`));
const metricsOf = (submission: Submission) =>
  Object.fromEntries(submission.metrics.map((m) => [m.metric, m.value]));
const statuses = (submission: Submission) => submission.statuses.map((x) => `${x.status}/${x.stage}`);

async function token(request: Parameters<TestServer['mint']>[0]): Promise<string> {
  return (await t.mint(request)).par.toToken();
}

beforeAll(async () => {
  t = await startServer();
  observer = new ParkitObserver({ url: t.server.url, adminKey: t.adminKey });
  identity = identityFile(t.identity);
  env = { PARKIT_SERVER: t.server.url, PARKIT_ADMIN_KEY: t.adminKey };
  await t.admin.createBucket('sales');
  const { par } = await t.mint({ bucket: 'sales', permissions: ['write'] });
  const bucket = await par.write(t.identity);
  await bucket.setStringObject('q3/report.csv', REPORT);
  await bucket.setStringObject('q3/notes.txt', 'all good\n');
  await observer.putSequence({ name: 'sales-get' });
  await observer.putSequence({ name: 'sales-bucket' });
  await observer.putSequence({ name: 'sales-watch' });
});
afterAll(() => t.stop());

describe('parkit get --observe', () => {
  it('records one object as a submission: bytes, one object, SHA-256 verified, Completed', async () => {
    const report = await token({ bucket: 'sales', key: 'q3/report.csv', permissions: ['read'] });
    const dir = fresh('get');
    const run = await parkit(
      [
        'get',
        report,
        '-i',
        identity,
        '-o',
        join(dir, 'r.csv'),
        '--observe',
        'sales-get',
        '--observe-tag',
        'q3',
        '--observe-dataset',
        'sales/q3',
        '--json',
      ],
      { env },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed.submission).toMatchObject({ sequence: 'sales-get', tag: 'q3' });
    expect(readFileSync(join(dir, 'r.csv'), 'utf8')).toBe(REPORT);

    const submission = await observer.getSubmission(printed.submission);
    expect(metricsOf(submission)).toMatchObject({
      bytes: REPORT.length,
      objects: 1,
      transferredObjects: 1,
      totalBytes: REPORT.length,
    });
    expect(submission.quality).toEqual([
      {
        stage: 'Download',
        tool: CHECKSUM_TOOL,
        results: JSON.stringify({ checked: 1, verified: 1, mismatched: 0, unverified: 0 }),
        dataset: 'sales/q3',
        action: 'continued',
        recorded: expect.any(String),
      },
    ]);
    expect(statuses(submission)).toEqual(['Started/Download', 'Completed/Submission']);
  });

  it('records a whole-bucket download, and says where on standard error', async () => {
    const bucket = await token({ bucket: 'sales', prefix: 'q3/', permissions: ['read', 'list'] });
    const dir = fresh('bucket');
    const run = await parkit(['get', bucket, '-i', identity, '-o', dir, '--observe', 'sales-bucket'], {
      env,
    });
    expect(run.code).toBe(0);
    const latest = await observer.latestCompleted('sales-bucket');
    expect(latest).toBeDefined();
    const submission = latest?.submission as Submission;
    expect(run.stderr).toContain(
      `recorded as submission ${submission.id} (slot ${submission.tag} of sales-bucket)`,
    );
    expect(metricsOf(submission)).toMatchObject({ objects: 2, transferredObjects: 2 });
    expect(readdirSync(join(dir, 'q3')).sort()).toEqual(['notes.txt', 'report.csv']);
  });

  it('records a failed download as Failed, and exits with the not-found code', async () => {
    const bucket = await token({ bucket: 'sales', permissions: ['read', 'list'] });
    const dir = fresh('missing');
    const run = await parkit(
      [
        'get',
        bucket,
        'q4/none.csv',
        '-i',
        identity,
        '-o',
        join(dir, 'x'),
        '--observe',
        'sales-get',
        '--observe-tag',
        'q4',
      ],
      { env },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^parkit: PARKIT_NOT_FOUND: /);
    expect(existsSync(join(dir, 'x'))).toBe(false);
    const [failed] = (await observer.listSubmissions('sales-get', 'q4')).items;
    expect(failed?.status).toBe('Failed');
    expect(failed?.completed).toBeUndefined();
  });

  it('refuses bad --observe use before downloading anything', async () => {
    const report = await token({ bucket: 'sales', key: 'q3/report.csv', permissions: ['read'] });
    const dir = fresh('refused');
    const lonelyTag = await parkit(
      ['get', report, '-i', identity, '-o', join(dir, 'a'), '--observe-tag', 'x'],
      {
        env,
      },
    );
    expect(lonelyTag.code).toBe(2);
    expect(lonelyTag.stderr).toContain('--observe-tag and --observe-dataset need --observe <sequence>');
    const unknown = await parkit(
      ['get', report, '-i', identity, '-o', join(dir, 'b'), '--observe', 'no-such'],
      {
        env,
      },
    );
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toMatch(/^parkit: PARKIT_NOT_FOUND: .*SEQUENCE_NOT_FOUND/);
    const noServer = await parkit(
      ['get', report, '-i', identity, '-o', join(dir, 'c'), '--observe', 'sales-get'],
      {
        env: { PARKIT_SERVER: undefined, PARKIT_ADMIN_KEY: undefined },
      },
    );
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('no server');
    expect(readdirSync(dir)).toEqual([]);
    for (const run of [lonelyTag, unknown, noServer]) expect(run.stderr).not.toContain(t.adminKey);
  });
});

describe('parkit watch --observe', () => {
  it('records every share it downloads, and logs the submission id', async () => {
    const dir = fresh('watch');
    const child = spawnParkit(
      [
        'watch',
        '--listen',
        '127.0.0.1:0',
        '--to-dir',
        dir,
        '-i',
        identity,
        '--json',
        '--observe',
        'sales-watch',
      ],
      env,
    );
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
    const next = async (event: string) => {
      for (;;) {
        const { value, done } = await lines.next();
        if (done) throw new Error(`watch ended before a "${event}" line`);
        const entry = JSON.parse(value as string);
        if (entry.event === event) return entry;
      }
    };
    try {
      const { url } = await next('listening');
      const share = await token({ bucket: 'sales', key: 'q3/notes.txt', permissions: ['read'] });
      expect((await parkit(['event', share, '--post', url])).code).toBe(0);
      const saved = await next('saved');
      expect(saved.submission).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{6}$/);
      const latest = await observer.latestCompleted('sales-watch');
      expect(latest?.submission.id).toBe(saved.submission);
      expect(metricsOf(latest?.submission as Submission)).toMatchObject({ bytes: 9, objects: 1 });
      expect(readFileSync(join(dir, 'q3', 'notes.txt'), 'utf8')).toBe('all good\n');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
