/**
 * A server restart mid-job, for real: `parkit serve --functions` as a child process, a job
 * running, `kill -9`, a new server on the same data directory. Every finished job is still
 * listed with its result; the interrupted one is marked failed; its worker grants are gone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BucketReader,
  generateIdentity,
  identityToRecipient,
  JobError,
  type Par,
  ParkitAdmin,
} from '../../src/index.js';
import { FUNCTIONS, until } from './helpers.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');
const children: ChildProcess[] = [];
let dataDir: string;

async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    'node',
    ['--import', 'tsx', main, 'serve', '--data', dataDir, '--functions', FUNCTIONS],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PARKIT_ADMIN_KEY: '' },
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) done(out.trim());
    });
    child.once('exit', (code) => fail(new Error(`serve exited (${code}): ${stderr}`)));
  });
  while (!stderr.includes('Ctrl-C stops it')) await new Promise((r) => setTimeout(r, 10));
  return { child, url };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parkit-compute-restart-'));
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

/** Open the Par's runner, sending its requests to `url` (the restarted server's new port). */
function runnerAt(par: Par, identity: string, from: string, to: string) {
  return par.execute(identity, { fetch: (input, init) => fetch(String(input).replace(from, to), init) });
}

describe('a server restart mid-job', () => {
  it('keeps finished jobs, marks the interrupted one failed, and closes its grants', async () => {
    const first = await serve();
    const adminKey = (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
    const admin = new ParkitAdmin({ url: first.url, adminKey });
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    await admin.createBucket('data');
    const par = await admin.createExecutablePar({
      calculation: 'slow',
      settable: ['steps'],
      arguments: { stepMs: 20, write: true },
      outputs: { out: { bucket: 'data', prefix: 'out/' } },
      expires: { hours: 1 },
      recipients: [recipient],
    });
    const runner = await par.execute(identity);
    const done = await runner.start({ steps: 2 });
    expect(await done.result()).toEqual({ steps: 2 });
    const running = await runner.start({ steps: 100_000 });
    await until(running, (status) => (status.progress?.done ?? 0) >= 3);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await serve();
    const after = await runnerAt(par, identity, first.url, second.url);
    const jobs = await after.jobs();
    expect(jobs.map((job) => job.id)).toEqual([done.id, running.id]);
    const [kept, interrupted] = jobs.map((job) => job.lastStatus);
    expect(kept).toMatchObject({ state: 'succeeded', result: { steps: 2 } });
    expect(kept?.outputs.map((output) => output.key)).toEqual(['out/step-0.txt', 'out/step-1.txt']);
    expect(interrupted).toMatchObject({
      state: 'failed',
      error: { reason: 'interrupted', message: 'the server running the job stopped before it finished' },
    });
    expect(interrupted?.finished).toBeDefined();
    const error = await after
      .job(running.id)
      .result()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobError);
    expect((error as JobError).reason).toBe('interrupted');
    // The dead worker's grants no longer open anything.
    const grants = (await new ParkitAdmin({ url: second.url, adminKey }).listPars()).filter((entry) =>
      entry.name?.startsWith(`job ${running.id}`),
    );
    expect(grants).toEqual([]);
    // What the job wrote before the crash is still there, and new jobs run.
    const owner = await new ParkitAdmin({ url: second.url, adminKey }).createPar({
      bucket: 'data',
      prefix: 'out/',
      permissions: ['read', 'list'],
      expires: { minutes: 5 },
      recipients: [recipient],
    });
    const names = await ((await owner.read(identity)) as BucketReader).getAllObjectNames();
    expect(names).toContain('out/step-2.txt');
    expect(await (await after.start({ steps: 1 })).result()).toEqual({ steps: 1 });
    second.child.kill('SIGTERM');
    expect(await new Promise((resolve) => second.child.once('exit', resolve))).toBe(0);
  });
});
