/**
 * `npm run bench:compute`: what running a job costs, and how fast stopping one takes effect, on
 * the parkit server over loopback — from the built package (workers run compiled JavaScript)
 * and from the TypeScript sources (workers register tsx first) — against the floor: spawning a
 * bare worker thread and getting its first message. Medians of interleaved rounds.
 *
 * - start answer: `runner.start()` until the service answers (the job is queued or running)
 * - trivial job, idle: `runner.start()` until `job.result()` of a calculation that returns at
 *   once, on a server idle for 300 ms before (its spare worker is booted)
 * - trivial job, back to back: the same with no pause (the spare is still booting)
 * - trivial job, no spares: the same on a server with `spareWorkers: false` (every worker cold)
 * - stop (cooperative): `job.stop()` of a running job that honours its abort signal, until the
 *   final status is back
 * - stop (kill): the same for a job that ignores the signal (the grace period, 200 ms here, then
 *   the worker is terminated)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { formatNumber, median } from '../lib/measure.js';

const ROUNDS = 15;
const GRACE_MS = 200;
const root = resolve(import.meta.dirname, '../..');
const functions = resolve(import.meta.dirname, 'functions');

type Core = typeof import('../../src/index.js');
type ServerModule = typeof import('../../src/server/index.js');

interface Setup {
  readonly name: string;
  readonly start: () => Promise<number>;
  readonly trivial: () => Promise<number>;
  readonly stopCooperative: () => Promise<number>;
  readonly stopKill: () => Promise<number>;
  readonly close: () => Promise<void>;
}

async function setup(name: string, core: Core, server: ServerModule, spareWorkers = true): Promise<Setup> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parkit-bench-compute-'));
  const running = await server.createServer({
    dataDir,
    functions,
    compute: { stopGraceMs: GRACE_MS, maxConcurrentJobs: 4, spareWorkers },
  });
  const admin = new core.ParkitAdmin({
    url: running.url,
    adminKey: (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim(),
  });
  const identity = await core.generateIdentity();
  const recipient = await core.identityToRecipient(identity);
  const runnerOf = async (calculation: string) =>
    (
      await admin.createExecutablePar({ calculation, expires: { hours: 1 }, recipients: [recipient] })
    ).execute(identity);
  const [noop, wait, stubborn] = await Promise.all([
    runnerOf('noop'),
    runnerOf('wait'),
    runnerOf('stubborn'),
  ]);
  const runningJob = async (runner: typeof wait) => {
    const job = await runner.start();
    const controller = new AbortController();
    await job
      .wait({
        signal: controller.signal,
        onProgress: (status) => {
          if (status.progress !== undefined) controller.abort();
        },
      })
      .catch(() => {});
    return job;
  };
  const stopTime = async (runner: typeof wait) => {
    const job = await runningJob(runner);
    const begun = performance.now();
    const final = await job.stop();
    if (final.state !== 'stopped') throw new Error(`expected stopped, got ${final.state}`);
    return performance.now() - begun;
  };
  return {
    name,
    async start() {
      const begun = performance.now();
      const job = await noop.start();
      const took = performance.now() - begun;
      await job.wait();
      return took;
    },
    async trivial() {
      const begun = performance.now();
      await (await noop.start()).result();
      return performance.now() - begun;
    },
    stopCooperative: () => stopTime(wait),
    stopKill: () => stopTime(stubborn),
    async close() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function bareWorker(): Promise<number> {
  const begun = performance.now();
  return new Promise((done, fail) => {
    const worker = new Worker("require('node:worker_threads').parentPort.postMessage(1)", { eval: true });
    worker.once('message', () => {
      const took = performance.now() - begun;
      void worker.terminate().then(() => done(took));
    });
    worker.once('error', fail);
  });
}

const built = join(root, 'dist', 'server', 'index.js');
if (!existsSync(built)) {
  console.log('building dist/ …');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
const builtCore = (await import(pathToFileURL(join(root, 'dist', 'index.js')).href)) as Core;
const builtServer = (await import(pathToFileURL(built).href)) as ServerModule;
const setups = [
  await setup('built package', builtCore, builtServer),
  await setup(
    'from sources (tsx)',
    await import('../../src/index.js'),
    await import('../../src/server/index.js'),
  ),
];
const cold = await setup('built package, no spares', builtCore, builtServer, false);
const idle = () => new Promise((done) => setTimeout(done, 300));

const samples = new Map<string, number[]>();
const record = (key: string, value: number) => samples.set(key, [...(samples.get(key) ?? []), value]);
// Warm up each path once, then interleave.
for (const s of [...setups, cold]) {
  await s.trivial();
  await s.stopCooperative();
}
await bareWorker();
for (let round = 0; round < ROUNDS; round++) {
  record('bare worker', await bareWorker());
  for (const s of round % 2 === 0 ? setups : [...setups].reverse()) {
    await idle();
    record(`${s.name}|trivial job, idle`, await s.trivial());
    record(`${s.name}|trivial job, back to back`, await s.trivial());
    await idle();
    record(`${s.name}|start answer`, await s.start());
    await idle();
    record(`${s.name}|stop (cooperative)`, await s.stopCooperative());
    if (round < 5) record(`${s.name}|stop (kill)`, await s.stopKill());
  }
  await idle();
  record('cold|trivial job', await cold.trivial());
}
for (const s of [...setups, cold]) await s.close();

const floor = median(samples.get('bare worker') ?? []);
console.log(`compute service, medians of ${ROUNDS} interleaved rounds (stop (kill): 5), milliseconds`);
console.log(`  bare worker thread, spawn to first message: ${formatNumber(floor, 1)} ms (the floor)`);
for (const s of setups) {
  console.log(`  ${s.name}:`);
  for (const metric of [
    'start answer',
    'trivial job, idle',
    'trivial job, back to back',
    'stop (cooperative)',
    'stop (kill)',
  ]) {
    const value = median(samples.get(`${s.name}|${metric}`) ?? []);
    const ratio = metric.startsWith('trivial') ? ` (${formatNumber(value / floor, 1)}× a bare worker)` : '';
    const grace = metric === 'stop (kill)' ? ` (grace period ${GRACE_MS} ms)` : '';
    console.log(`    ${metric.padEnd(26)} ${formatNumber(value, 1).padStart(8)} ms${ratio}${grace}`);
  }
}
const coldTrivial = median(samples.get('cold|trivial job') ?? []);
const warmTrivial = median(samples.get('built package|trivial job, idle') ?? []);
console.log(
  `  built package, no spare workers: trivial job ${formatNumber(coldTrivial, 1)} ms (${formatNumber(coldTrivial / floor, 1)}× a bare worker; a spare makes it ${formatNumber(coldTrivial / warmTrivial, 1)}× faster)`,
);
