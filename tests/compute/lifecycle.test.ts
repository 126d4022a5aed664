/**
 * How jobs end, with real workers: stopped mid-run (cooperatively, and by the hard kill after the
 * grace period), timed out, crashed, looping forever, exhausting memory, exiting their thread —
 * each reported with its reason while the server keeps serving other requests — and the
 * concurrency limit with its queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BucketReader,
  isParkitError,
  type Job,
  JobError,
  type JobStatus,
  TransferError,
} from '../../src/index.js';
import { type ComputeServer, since, startComputeServer, until } from './helpers.js';

const TIMEOUT_MS = 2000;
const GRACE_MS = 300;
let s: ComputeServer;

beforeAll(async () => {
  s = await startComputeServer({
    compute: { jobTimeoutMs: TIMEOUT_MS, stopGraceMs: GRACE_MS, maxConcurrentJobs: 4 },
  });
});
afterAll(() => s.stop());

async function failureOf(job: Job): Promise<JobError> {
  try {
    await job.result();
  } catch (error) {
    if (error instanceof JobError) return error;
    throw error;
  }
  throw new Error('the job succeeded');
}

/** Keep the server busy with ordinary requests until `done` settles; count what was answered. */
async function serveMeanwhile(
  done: Promise<unknown>,
): Promise<{ answered: number; failed: number; times: number[] }> {
  const reader = (await s.ownerPar.read(s.identity)) as BucketReader;
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  const result = { answered: 0, failed: 0, times: [] as number[] };
  while (!finished) {
    try {
      expect(await reader.getStringObject('in/a.txt')).toBe('alpha\n');
      await s.admin.listBuckets();
      result.answered++;
      result.times.push(Date.now());
    } catch {
      result.failed++;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return result;
}

describe('ending jobs', () => {
  it('stop() ends a running job promptly, keeps its partial outputs and revokes its grants', async () => {
    const { runner } = await s.runner({
      calculation: 'slow',
      arguments: { steps: 1000, stepMs: 30, write: true },
      outputs: { out: { bucket: 'data', prefix: 'partial/' } },
    });
    const job = await runner.start();
    await until(job, (status) => (status.progress?.done ?? 0) >= 3);
    const asked = performance.now();
    const stopped = await job.stop();
    const took = since(asked);
    expect(stopped.state).toBe('stopped');
    expect(stopped.error).toEqual({ reason: 'stopped', message: 'the job was stopped' });
    // Cooperative: it saw its abort signal and ended before the hard kill.
    expect(took).toBeLessThan(GRACE_MS + 2000);
    expect(stopped.outputs.length).toBeGreaterThanOrEqual(3);
    expect(stopped.outputs.every((output) => output.key.startsWith('partial/step-'))).toBe(true);
    const error = await failureOf(job);
    expect(error.reason).toBe('stopped');
    expect(error.code).toBe('PARKIT_JOB_FAILED');
    // Its grants are gone, and stopping again changes nothing.
    expect((await s.admin.listPars()).filter((entry) => entry.name?.startsWith(`job ${job.id}`))).toEqual([]);
    expect((await job.stop()).version).toBe(stopped.version);
  });

  it('kills a job that ignores its abort signal once the grace period is over', async () => {
    const { runner } = await s.runner({ calculation: 'stubborn', arguments: { ms: 60_000 } });
    const job = await runner.start();
    await until(job, (status) => status.state === 'running' && status.progress !== undefined);
    const asked = performance.now();
    const stopped = await job.stop();
    expect(stopped.state).toBe('stopped');
    expect(since(asked)).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(stopped.result).toBeUndefined();
  });

  it('times a job out and says so', async () => {
    const { runner } = await s.runner({ calculation: 'slow', arguments: { steps: 10_000, stepMs: 20 } });
    const job = await runner.start();
    const final = await job.wait();
    expect(final.state).toBe('timed-out');
    expect(final.error?.message).toBe(`the job ran out of time (its limit is ${TIMEOUT_MS} ms)`);
    expect(final.timeoutMs).toBe(TIMEOUT_MS);
    const ran = (final.finished?.toMillis() ?? 0) - (final.started?.toMillis() ?? 0);
    expect(ran).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect((await failureOf(job)).reason).toBe('timed-out');
  });

  it('reports a crashing job with its own message, scrubbed', async () => {
    const { runner } = await s.runner({
      calculation: 'crash',
      inputs: { data: { bucket: 'data', prefix: 'in/' } },
    });
    const job = await runner.start();
    const final = await job.wait();
    expect(final.state).toBe('failed');
    expect(final.error?.reason).toBe('failed');
    expect(final.error?.message).toMatch(
      /^could not open …\/crash\.mjs via http:\/\/127\.0\.0\.1:\d+\/p\/…\/n\/parkit\/b\/data\/o\/in\/a\.txt \(admin key undefined\)$/,
    );
    const logs = await job.logs();
    const text = logs.lines.map((line) => `${line.stream}: ${line.text}`);
    expect(text).toContain('log: admin key in env: false; signing key in env: false');
    expect(text.some((line) => line.startsWith('stdout: starting in …/'))).toBe(true);
    expect(text.some((line) => line.startsWith('stderr: my grant is http://127.0.0.1:'))).toBe(true);
    expect(text.join('\n')).not.toMatch(
      /AGE-SECRET-KEY-1[0-9A-Z]{10}|\/p\/[A-Za-z0-9_-]{20}|\/tmp\/|\/work\//,
    );
    expect(final.progress?.message).toBe('reading …/crash.mjs');
  });

  it('stops an infinite loop at its time limit while the server keeps serving', async () => {
    const { runner } = await s.runner({ calculation: 'loop' });
    const job = await runner.start();
    const [final, served] = await Promise.all([job.wait(), serveMeanwhile(job.wait())]);
    expect(final.state).toBe('timed-out');
    expect(served.failed).toBe(0);
    const during = served.times.filter(
      (time) => time > (final.started?.toMillis() ?? 0) + 100 && time < (final.finished?.toMillis() ?? 0),
    );
    expect(during.length).toBeGreaterThanOrEqual(5);
  });

  it('stops a memory hog at its heap limit while the server keeps serving', async () => {
    const { runner } = await s.runner({ calculation: 'hog' });
    const job = await runner.start();
    const [final, served] = await Promise.all([job.wait(), serveMeanwhile(job.wait())]);
    expect(final.state).toBe('failed');
    expect(final.error).toEqual({
      reason: 'out-of-memory',
      message: 'the job ran out of memory (its limit is 64 MiB)',
    });
    expect(served.failed).toBe(0);
    expect(served.answered).toBeGreaterThan(0);
    // And it still runs jobs afterwards.
    const { runner: next } = await s.runner({ calculation: 'echo', arguments: { label: 'after' } });
    expect(await (await next.start()).result()).toEqual({ args: { label: 'after', count: 1 } });
  });

  it('reports a job whose worker exits as crashed', async () => {
    const { runner } = await s.runner({ calculation: 'quit' });
    const final = await (await runner.start()).wait();
    expect(final.state).toBe('failed');
    expect(final.error).toEqual({
      reason: 'crashed',
      message: "the job's worker exited (code 7) before the calculation finished",
    });
  });
});

describe('the concurrency limit', () => {
  let q: ComputeServer;
  beforeAll(async () => {
    q = await startComputeServer({
      compute: { maxConcurrentJobs: 1, maxQueuedJobs: 2, stopGraceMs: GRACE_MS },
    });
  });
  afterAll(() => q.stop());

  it('queues jobs beyond the limit in order, refuses past the queue, and lets a queued job be stopped', async () => {
    const { runner } = await q.runner({
      calculation: 'slow',
      settable: ['steps'],
      arguments: { stepMs: 40 },
    });
    const first = await runner.start({ steps: 10 });
    await until(first, (status) => status.state === 'running');
    const second = await runner.start({ steps: 2 });
    const third = await runner.start({ steps: 2 });
    expect([second.lastStatus?.state, second.lastStatus?.queuePosition]).toEqual(['queued', 1]);
    expect([third.lastStatus?.state, third.lastStatus?.queuePosition]).toEqual(['queued', 2]);

    const refused = await runner.start({ steps: 1 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TransferError);
    expect((refused as TransferError).status).toBe(503);
    expect((refused as Error).message).toContain('too many jobs are waiting');

    const stopped = await third.stop();
    expect(stopped.state).toBe('stopped');
    expect(stopped.started).toBeUndefined();
    expect(stopped.error?.message).toBe('the job was stopped before it started');

    const [a, b]: JobStatus[] = await Promise.all([first.wait(), second.wait()]);
    expect([a?.state, b?.state]).toEqual(['succeeded', 'succeeded']);
    expect((b?.started?.toMillis() ?? 0) >= (a?.finished?.toMillis() ?? Number.POSITIVE_INFINITY)).toBe(true);
    expect((await runner.jobs()).map((job) => job.lastStatus?.state)).toEqual([
      'succeeded',
      'succeeded',
      'stopped',
    ]);
  });

  it('frees the slot of a killed job', async () => {
    const { runner } = await q.runner({ calculation: 'stubborn' });
    const job = await runner.start();
    await until(job, (status) => status.state === 'running');
    expect((await job.stop()).state).toBe('stopped');
    const { runner: next } = await q.runner({ calculation: 'echo', arguments: { label: 'next' } });
    const after = await next.start();
    expect(isParkitError(after) || (await after.result())).toEqual({ args: { label: 'next', count: 1 } });
  });
});
