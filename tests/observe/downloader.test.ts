/**
 * Downloader runs recorded as submissions: a real download from a real parkit server through a
 * bucket Par (bytes, objects, duration, SHA-256 verification as a quality result, Completed), a
 * resumed run, a failed run (revoked Par: Failed, the error rethrown), a checksum mismatch
 * (quality `cancelled`), Pacifica downloads through cartd, and a recorder that refuses before
 * anything is transferred.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BucketWriter,
  CHECKSUM_TOOL,
  Downloader,
  isParkitError,
  Par,
  ParkitObserver,
  type Submission,
} from '../../src/index.js';
import { type HttpStore, startHttpStore } from '../cli/helpers/http-store.js';
import { startServer, type TestServer } from '../server/helpers.js';
import { startCartd } from '../servers/cartd.js';

let t: TestServer;
let observer: ParkitObserver;
let store: HttpStore;
const files: Record<string, string> = {
  'q3/sales.csv': 'region,total\neu,10\nus,0\n',
  'q3/deep/notes.txt': 'alpha bravo',
  'q3/empty.txt': '',
};
const totalBytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
const fresh = () => mkdtempSync(join(tmpdir(), 'parkit-observe-dl-'));

beforeAll(async () => {
  t = await startServer();
  observer = new ParkitObserver({ url: t.server.url, adminKey: t.adminKey });
  await t.admin.createBucket('reports');
  const { par } = await t.mint({ bucket: 'reports', permissions: ['write'] });
  const writer = (await par.write(t.identity)) as BucketWriter;
  for (const [key, text] of Object.entries(files)) await writer.setStringObject(key, text);
  await observer.putSequence({
    name: 'reports-daily',
    parameters: [{ key: 'source', value: 'reports' }],
    schedule: { everySeconds: 86_400, start: '2024-01-01T06:00:00Z' },
  });
  await observer.putSequence({ name: 'incoming' });
  store = await startHttpStore({ checksums: true });
});
afterAll(async () => {
  await store.close();
  await t.stop();
});

const readPar = async () =>
  (await t.mint({ bucket: 'reports', prefix: 'q3/', permissions: ['read', 'list'] })).par;
const metricsOf = (submission: Submission) =>
  Object.fromEntries(submission.metrics.map((m) => [m.metric, m.value]));

describe('a Downloader run against a real parkit server', () => {
  it('creates a submission with bytes, objects, duration, checksum verification and Completed', async () => {
    const location = fresh();
    const downloader = new Downloader(location, { identity: t.identity });
    const result = await downloader.download(await readPar(), {
      observe: {
        recorder: observer,
        sequence: 'reports-daily',
        runEnvironment: { host: 'test-runner', parkit: '0.1.0' },
        dataset: 'reports/q3/',
      },
    });
    expect(readFileSync(join(location, 'q3', 'sales.csv'), 'utf8')).toBe(files['q3/sales.csv']);
    expect(result.files.every((file) => file.verified)).toBe(true);
    const ref = result.submission;
    expect(ref?.sequence).toBe('reports-daily');
    // No tag given: the scheduled delivery due now (today at 06:00 UTC, or yesterday's before then).
    const now = new Date();
    const due = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 6) -
        (now.getUTCHours() < 6 ? 86_400_000 : 0),
    );
    expect(ref?.tag).toBe(due.toISOString().slice(0, 10));

    const submission = await observer.getSubmission(ref as NonNullable<typeof ref>);
    const metrics = metricsOf(submission);
    expect(metrics).toMatchObject({
      bytes: totalBytes,
      objects: 3,
      transferredObjects: 3,
      skippedObjects: 0,
      totalBytes,
    });
    expect(metrics.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(submission.metrics.every((m) => m.stage === 'Download')).toBe(true);
    expect(submission.quality).toEqual([
      {
        stage: 'Download',
        tool: CHECKSUM_TOOL,
        results: JSON.stringify({ checked: 3, verified: 3, mismatched: 0, unverified: 0 }),
        dataset: 'reports/q3/',
        action: 'continued',
        recorded: expect.any(String),
      },
    ]);
    expect(submission.statuses.map((x) => `${x.status}/${x.stage}`)).toEqual([
      'Started/Download',
      'Completed/Submission',
    ]);
    expect(submission.completed).toBeDefined();
    expect(submission.runEnvironments[0]?.data).toEqual({ host: 'test-runner', parkit: '0.1.0' });
    expect((await observer.latestCompleted('reports-daily'))?.submission.id).toBe(submission.id);
  });

  it('a resumed run is its own submission: nothing transferred, every object skipped', async () => {
    const location = fresh();
    const downloader = new Downloader(location, {
      identity: t.identity,
      observe: { recorder: observer, sequence: 'reports-daily', tag: '2024-05-02' },
    });
    const first = await downloader.download(await readPar());
    const second = await downloader.download(await readPar());
    expect(second.submission?.id).not.toBe(first.submission?.id);
    expect(second.submission?.tag).toBe('2024-05-02');
    const submission = await observer.getSubmission(
      second.submission as NonNullable<typeof second.submission>,
    );
    expect(metricsOf(submission)).toMatchObject({
      bytes: 0,
      objects: 3,
      transferredObjects: 0,
      skippedObjects: 3,
      totalBytes,
    });
    expect(submission.completed).toBeDefined();
    const slotSubmissions = await observer.listSubmissions('reports-daily', '2024-05-02');
    expect(slotSubmissions.items.map((x) => x.id)).toEqual([first.submission?.id, second.submission?.id]);
  });

  it('a failed run is recorded as Failed and the error still reaches the caller', async () => {
    const par = await readPar();
    await t.admin.closePar(par);
    const location = fresh();
    const error = await new Downloader(location, { identity: t.identity })
      .download(par, { observe: { recorder: observer, sequence: 'incoming', tag: 'revoked' } })
      .catch((e: unknown) => e);
    expect(isParkitError(error, 'PARKIT_PERMISSION_DENIED')).toBe(true);
    const [submission] = (await observer.listSubmissions('incoming', 'revoked')).items;
    expect(submission?.completed).toBeUndefined();
    expect(submission?.status).toBe('Failed');
    expect(submission?.statuses.at(-1)?.message).toMatch(/^PARKIT_PERMISSION_DENIED: /);
    expect(metricsOf(submission as Submission)).toMatchObject({ bytes: 0, objects: 0 });
    expect(submission?.quality).toEqual([]);
    expect(readdirSync(location)).toEqual([]);
  });

  it('a checksum mismatch is a cancelled quality result, and the file is not kept', async () => {
    store.objects.set('good.csv', Buffer.from('a,b\n1,2\n'));
    store.objects.set('bad.csv', Buffer.from('tampered'));
    store.lies.set('bad.csv', createHash('sha256').update('original').digest('hex'));
    const pars = await Promise.all(
      ['good.csv', 'bad.csv'].map((key) =>
        Par.create({
          url: store.url(key),
          driver: 'https',
          target: { kind: 'object', key },
          permissions: ['read'],
          expires: { hours: 1 },
          recipients: [t.recipient],
        }),
      ),
    );
    const location = fresh();
    const error = await new Downloader(location, { identity: t.identity, concurrency: 1 })
      .download(pars, { observe: { recorder: observer, sequence: 'incoming', tag: 'mismatch' } })
      .catch((e: unknown) => e);
    expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
    expect(readdirSync(location)).toEqual(['good.csv']);
    const [submission] = (await observer.listSubmissions('incoming', 'mismatch')).items;
    expect(submission?.quality).toMatchObject([
      {
        tool: CHECKSUM_TOOL,
        action: 'cancelled',
        results: JSON.stringify({ checked: 2, verified: 1, mismatched: 1, unverified: 0 }),
      },
    ]);
    expect(metricsOf(submission as Submission)).toMatchObject({ objects: 1, bytes: 8 });
    expect(submission?.status).toBe('Failed');
  });

  it('a recorder that refuses stops the download before anything is transferred', async () => {
    const location = fresh();
    const error = await new Downloader(location, { identity: t.identity })
      .download(await readPar(), { observe: { recorder: observer, sequence: 'no-such-sequence' } })
      .catch((e: unknown) => e);
    expect(isParkitError(error, 'PARKIT_NOT_FOUND')).toBe(true);
    expect(readdirSync(location)).toEqual([]);
  });
});

describe('Pacifica downloads through cartd', () => {
  const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
  const content = (id: number) => `file ${id}\n`;
  const event = (hash: (id: number) => string) => ({
    specversion: '1.0',
    type: 'org.pacifica.metadata.ingest',
    source: 'urn:pacifica:metadata',
    id: 'ingest-9',
    data: [1, 2].map((id) => ({
      destinationTable: 'Files',
      _id: id,
      name: `f${id}.txt`,
      subdir: 'd',
      hashtype: 'sha1',
      hashsum: hash(id),
      size: content(id).length,
    })),
  });

  it('records verified hashsums; a wrong hashsum is a cancelled quality result', async () => {
    const carts = await startCartd({ archive: new Map([1, 2].map((id) => [id, content(id)])) });
    try {
      const downloader = (location: string) =>
        new Downloader(location, {
          cartApiUrl: carts.url,
          cart: { pollInterval: 5, timeout: 2000 },
          observe: { recorder: observer, sequence: 'incoming' },
        });
      const ok = await downloader(fresh()).cloudEvent(event((id) => sha1(content(id))));
      const good = await observer.getSubmission(ok.submission as NonNullable<typeof ok.submission>);
      expect(metricsOf(good)).toMatchObject({ objects: 2, transferredObjects: 2, bytes: 14 });
      expect(good.quality[0]).toMatchObject({
        action: 'continued',
        results: JSON.stringify({ checked: 2, verified: 2, mismatched: 0, unverified: 0 }),
      });
      expect(good.completed).toBeDefined();

      const error = await downloader(fresh())
        .cloudEvent(event((id) => sha1(id === 2 ? 'other' : content(id))))
        .catch((e: unknown) => e);
      expect(isParkitError(error, 'PARKIT_TRANSFER_FAILED')).toBe(true);
      const latest = (await observer.findSubmissions('incoming', { limit: 1 })).items[0]?.submission;
      expect(latest?.status).toBe('Failed');
      expect(latest?.quality[0]?.action).toBe('cancelled');
    } finally {
      await carts.close();
    }
  });
});
