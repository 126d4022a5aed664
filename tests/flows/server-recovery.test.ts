/**
 * Runs cut short: a server closed mid-run records the run `interrupted` and retries it after a
 * restart; a server killed mid-run (`kill -9` of `parkit serve`) leaves a `running` record and
 * its lease, which the next start marks `interrupted` and retries; and on a store two servers
 * share, a lease that lapses (its holder's clock stopped renewing it forward) is taken over.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemStore } from '../../src/server/storage/fs-store.js';
import { FUNCTIONS, startFlowServer, testClock } from './helpers.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parkit-flows-recovery-'));
  dirs.push(dir);
  return dir;
}

const foreverFlow = (name: string) => ({
  name,
  calculation: 'forever',
  outputs: { result: { bucket: 'out', prefix: `${name}/` } },
  retry: { maxAttempts: 3, delaySeconds: 0 },
});

describe('a run cut short', () => {
  it('is interrupted by a server close and retried after the restart', async () => {
    const dataDir = await tempDir();
    const clock = testClock();
    const first = await startFlowServer({ dataDir }, clock);
    await first.api('POST', 'flows', foreverFlow('closed-under'));
    const started = await first.api('POST', 'flows/closed-under/run');
    expect(started.body.state).toBe('running');
    await first.stop();

    const second = await startFlowServer({ dataDir }, clock);
    try {
      const run = (await second.api('GET', `provenance/${started.body.id}`)).body;
      expect(run).toMatchObject({ state: 'interrupted', error: 'the server shut down during the run' });
      expect((await second.api('GET', 'flows/closed-under')).body.state).toMatchObject({
        lastOutcome: 'interrupted',
        failures: 1,
        retrying: true,
      });
      const retried = await second.base.server.flows.tick();
      expect(retried.map((one) => one.trigger)).toEqual(['retry']);
      const runs = (await second.api('GET', 'flows/closed-under/runs')).body.items;
      expect(runs.map((one: { attempt: number; state: string }) => [one.attempt, one.state])).toEqual([
        [2, 'running'],
        [1, 'interrupted'],
      ]);
    } finally {
      await second.stop();
    }
  });

  it('is left running by a killed server; the next start marks it interrupted and retries it', async () => {
    const dataDir = await tempDir();
    const child = spawn(
      'node',
      ['--import', 'tsx', main, 'serve', '--data', dataDir, '--functions', FUNCTIONS],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PARKIT_ADMIN_KEY: '' },
      },
    );
    children.push(child);
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) done(out.trim());
      });
      child.once('exit', (code) => fail(new Error(`serve exited (${code})`)));
    });
    const adminKey = (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}/admin/v1/${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return response.json();
    };
    await call('POST', 'buckets', { name: 'out' });
    await call('POST', 'flows', foreverFlow('killed-under'));
    const started = await call('POST', 'flows/killed-under/run');
    expect(started.state).toBe('running');
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));

    const restarted = await startFlowServer({ dataDir });
    try {
      const run = (await restarted.api('GET', `provenance/${started.id}`)).body;
      expect(run).toMatchObject({
        state: 'interrupted',
        error: 'the server running it stopped before it finished',
      });
      const retried = await restarted.base.server.flows.tick();
      expect(retried.map((one) => one.trigger)).toEqual(['retry']);
    } finally {
      await restarted.stop();
    }
  });

  it('is taken over on a shared store once its lease lapses, and the old holder records nothing', async () => {
    const store = await FileSystemStore.open(await tempDir());
    const adminKey = 'flows-shared-store-admin-key-0123456789';
    const clockA = testClock();
    const clockB = testClock(clockA.now());
    const a = await startFlowServer(
      { dataDir: await tempDir(), store, adminKey, flows: { leaseMs: 1000 } },
      clockA,
    );
    const b = await startFlowServer(
      { dataDir: await tempDir(), store, adminKey, flows: { leaseMs: 1000 } },
      clockB,
    );
    try {
      await a.api('POST', 'flows', foreverFlow('taken-over'));
      const started = await a.api('POST', 'flows/taken-over/run');
      expect(started.body.state).toBe('running');
      // The lease is shared: B cannot run the flow while A's run holds it.
      const refused = await b.api('POST', 'flows/taken-over/run');
      expect([refused.status, refused.body.code]).toEqual([409, 'FLOW_RUNNING']);
      // A's clock stands still: its renewals never move the lease past B's now.
      expect(await b.base.server.flows.tick()).toEqual([]);
      clockB.advance(5);
      const retried = await b.base.server.flows.tick();
      expect(retried.map((one) => one.trigger)).toEqual(['retry']);
      const first = (await b.api('GET', `provenance/${started.body.id}`)).body;
      expect(first.state).toBe('interrupted');
      const runs = (await b.api('GET', 'flows/taken-over/runs')).body.items;
      expect(runs.map((one: { attempt: number; state: string }) => [one.attempt, one.state])).toEqual([
        [2, 'running'],
        [1, 'interrupted'],
      ]);
      // A loses the lease at its next renewal, stops its job, and writes nothing over B's records.
      await a.idle();
      expect((await b.api('GET', `provenance/${started.body.id}`)).body.state).toBe('interrupted');
    } finally {
      await a.stop();
      await b.stop();
      await store.close();
    }
  });
});
