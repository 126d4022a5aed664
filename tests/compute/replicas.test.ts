/**
 * Two servers sharing one store (in one process, as replicas would share a cluster): the run
 * limit holds under concurrent starts on both (conditional writes), a job started on one is
 * seen, waited for and stopped through the other, and a job whose replica stopped beating is
 * marked failed by the survivors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity, identityToRecipient, ParkitAdmin, QuotaError } from '../../src/index.js';
import { createServer, FileSystemStore, type ParkitServer, RecordStore } from '../../src/server/index.js';
import { FUNCTIONS, until } from './helpers.js';

const ADMIN_KEY = 'compute-replica-admin-key-0123456789';
const HEARTBEAT_MS = 200;
let dir: string;
let store: FileSystemStore;
let one: ParkitServer;
let two: ParkitServer;
let admin: ParkitAdmin;
let identity: string;
let recipient: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parkit-compute-replicas-'));
  store = await FileSystemStore.open(dir);
  const common = {
    dataDir: dir,
    store,
    adminKey: ADMIN_KEY,
    functions: FUNCTIONS,
    compute: { heartbeatMs: HEARTBEAT_MS, stopGraceMs: 300 },
  } as const;
  one = await createServer(common);
  two = await createServer(common);
  admin = new ParkitAdmin({ url: one.url, adminKey: ADMIN_KEY });
  identity = await generateIdentity();
  recipient = await identityToRecipient(identity);
});
afterAll(async () => {
  await one.close();
  await two.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fetch that sends every other request (or all, with `always`) to the second server. */
function toSecond(always = false): typeof fetch {
  let count = 0;
  return (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    return fetch(always || count++ % 2 === 1 ? url.replace(one.url, two.url) : url, init);
  };
}

describe('replicas sharing one store', () => {
  it('never start more runs than the limit, whichever replica is asked', async () => {
    const par = await admin.createExecutablePar({
      calculation: 'echo',
      arguments: { label: 'x' },
      maxRuns: 3,
      expires: { hours: 1 },
      recipients: [recipient],
    });
    const runner = await par.execute(identity, { fetch: toSecond() });
    const attempts = await Promise.allSettled(Array.from({ length: 12 }, () => runner.start()));
    const started = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const refused = attempts.filter((attempt) => attempt.status === 'rejected');
    expect(started).toHaveLength(3);
    expect(refused.every((attempt) => (attempt as PromiseRejectedResult).reason instanceof QuotaError)).toBe(
      true,
    );
    expect((await runner.jobs()).map((job) => job.lastStatus?.run).sort()).toEqual([1, 2, 3]);
  });

  it('follow and stop a job through the replica that does not run it', async () => {
    const par = await admin.createExecutablePar({
      calculation: 'slow',
      arguments: { steps: 1000, stepMs: 20 },
      expires: { hours: 1 },
      recipients: [recipient],
    });
    const onOne = await par.execute(identity);
    const viaTwo = await par.execute(identity, { fetch: toSecond(true) });
    const job = await onOne.start();
    const seen = await until(viaTwo.job(job.id), (status) => (status.progress?.done ?? 0) >= 2);
    expect(seen.state).toBe('running');
    const stopped = await viaTwo.job(job.id).stop();
    expect(stopped.state).toBe('stopped');
    expect((await job.status()).state).toBe('stopped');
  });

  it('mark a job failed once the replica running it has stopped its heartbeat', async () => {
    // A replica that died mid-job leaves exactly this behind: its unfinished job and its last
    // heartbeat, long ago. (The survivors notice; kill -9 of a real server is in restart.test.ts.)
    const records = new RecordStore(store);
    const dead = 'd'.repeat(32);
    const id = 'e'.repeat(32);
    await records.put('compute-instances', dead, { v: 1, id: dead, heartbeat: Date.now() - 60_000 });
    await records.put('jobs-active', id, { v: 1, owner: dead });
    await records.put('jobs', id, {
      v: 1,
      id,
      parId: 'f'.repeat(32),
      fingerprint: 'x',
      calculation: 'slow',
      run: 1,
      state: 'running',
      version: 3,
      created: new Date().toISOString(),
      started: new Date().toISOString(),
      arguments: {},
      holderArguments: {},
      inputs: [],
      outputs: [],
      owner: dead,
      timeoutMs: 1000,
      memoryMb: 64,
      grantIds: [],
    });
    const deadline = Date.now() + 20 * HEARTBEAT_MS;
    let job = (await records.get<{ state: string; error?: { reason: string } }>('jobs', id))?.value;
    while (job?.state === 'running' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS));
      job = (await records.get<{ state: string; error?: { reason: string } }>('jobs', id))?.value;
    }
    expect(job).toMatchObject({ state: 'failed', error: { reason: 'interrupted' } });
    expect(await records.exists('jobs-active', id)).toBe(false);
    // A live replica's jobs are left alone: the two servers' own heartbeats are fresh.
    const beats = [];
    for await (const beat of records.entries<{ heartbeat: number }>('compute-instances'))
      beats.push(beat.value.heartbeat);
    expect(beats.filter((time) => Date.now() - time < 3 * HEARTBEAT_MS + 1000).length).toBeGreaterThanOrEqual(
      2,
    );
  });
});
