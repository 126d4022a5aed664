/**
 * `parkit share-calc` and `parkit run` as real processes against `parkit serve --functions`:
 * mint, run with `--arg`s read through the schema, result on standard output, the exit codes of
 * refused arguments, spent runs, failed and timed-out jobs, `--describe`, `--jobs`, `--detach`
 * with `--job`, and Ctrl-C stopping the job.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity, identityToRecipient, Par } from '../../src/index.js';
import { FUNCTIONS } from './helpers.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');
let dataDir: string;
let identityFile: string;
let recipient: string;
let identity: string;
let server: ChildProcess;

type Run = { code: number; stdout: string; stderr: string };

function parkit(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      'node',
      ['--import', 'tsx', main, ...args],
      { env: { ...process.env, PARKIT_ADMIN_KEY: '', PARKIT_SERVER: '', PARKIT_IDENTITY: identityFile } },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function share(args: string[]): Promise<string> {
  const minted = await parkit([
    'share-calc',
    ...args,
    '--to',
    recipient,
    '--expires',
    '1h',
    '--data',
    dataDir,
  ]);
  expect(minted.code, minted.stderr).toBe(0);
  expect(minted.stderr).toMatch(/^Par\(execute calculation/);
  const token = minted.stdout.trim();
  expect(token.startsWith('par1')).toBe(true);
  const file = join(dataDir, `${Math.random().toString(36).slice(2)}.par`);
  await writeFile(file, token);
  return `@${file}`;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parkit-compute-cli-'));
  identity = await generateIdentity();
  recipient = await identityToRecipient(identity);
  identityFile = join(dataDir, 'identity.txt');
  await writeFile(identityFile, `${identity}\n`, { mode: 0o600 });
  server = spawn(
    'node',
    ['--import', 'tsx', main, 'serve', '--data', dataDir, '--functions', FUNCTIONS, '--job-timeout', '3s'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PARKIT_ADMIN_KEY: '' } },
  );
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  while (!stderr.includes('Ctrl-C stops it')) await new Promise((r) => setTimeout(r, 20));
  expect(stderr).toMatch(/\d+ calculation\(s\): .*checksumReport/);
  expect((await parkit(['bucket', 'create', 'data', '--data', dataDir])).code).toBe(0);
});

afterAll(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('parkit share-calc and parkit run', () => {
  it('mint an executable Par and run it with --arg values read through the schema', async () => {
    const token = await share([
      'echo',
      '--arg',
      'label=fixed',
      '--settable',
      'count,tags,mode',
      '--max-runs',
      '2',
    ]);
    const run = await parkit([
      'run',
      token,
      '--arg',
      'count=3',
      '--arg',
      'tags:=["a","b"]',
      '--arg',
      'mode=fast',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      args: { label: 'fixed', count: 3, tags: ['a', 'b'], mode: 'fast' },
    });
    expect(run.stderr).toMatch(/job [0-9a-f]{32} succeeded in \d+\.\d s/);

    const described = await parkit(['run', token, '--describe']);
    expect(described.stdout).toContain('settable: count, mode, tags\nbound: label\nruns: 1 of 2\n');

    const bound = await parkit(['run', token, '--arg', 'label=mine']);
    expect(bound.code).toBe(11);
    expect(bound.stderr).toMatch(/^parkit: PARKIT_ARGUMENT_REJECTED: .*label is fixed by the issuer/);
    const schema = await parkit(['run', token, '--arg', 'count=99']);
    expect([schema.code, /count must be at most 10/.test(schema.stderr)]).toEqual([11, true]);
    const notNumber = await parkit(['run', token, '--arg', 'count=many']);
    expect([notNumber.code, notNumber.stderr]).toEqual([
      2,
      'parkit: TypeError: --arg count must be a number\n',
    ]);

    expect((await parkit(['run', token, '--json', '-q'])).code).toBe(0);
    const spent = await parkit(['run', token]);
    expect(spent.code).toBe(12);
    expect(spent.stderr).toMatch(/^parkit: PARKIT_QUOTA_EXHAUSTED: .*2 runs are used/);

    const jobs = await parkit(['run', token, '--jobs', '--json']);
    const listed = JSON.parse(jobs.stdout) as { run: number; state: string }[];
    expect(listed.map((job) => [job.run, job.state])).toEqual([
      [1, 'succeeded'],
      [2, 'succeeded'],
    ]);
  });

  it('exit with the job outcome: failed 13, timed out 14', async () => {
    const crash = await parkit(['run', await share(['quit'])]);
    expect(crash.code).toBe(13);
    expect(crash.stderr).toMatch(
      /^parkit: PARKIT_JOB_FAILED: job [0-9a-f]{32} failed: the job's worker exited \(code 7\)/m,
    );
    const loop = await parkit(['run', await share(['loop']), '--logs']);
    expect(loop.code).toBe(14);
    expect(loop.stderr).toMatch(/timed-out: the job ran out of time \(its limit is 3000 ms\)/);
  });

  it('detach, then follow the job by id', async () => {
    const token = await share(['slow', '--arg', 'steps=5', '--arg', 'stepMs=20']);
    const detached = await parkit(['run', token, '--detach']);
    expect(detached.code).toBe(0);
    const id = detached.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const followed = await parkit(['run', token, '--job', id, '--json']);
    expect(JSON.parse(followed.stdout)).toMatchObject({ id, state: 'succeeded', result: { steps: 5 } });
  });

  it('stops the job on Ctrl-C and exits 130', async () => {
    const token = await share(['slow', '--arg', 'steps=100000', '--arg', 'stepMs=20']);
    const child = spawn('node', ['--import', 'tsx', main, 'run', token], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PARKIT_IDENTITY: identityFile },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = new Promise<number | null>((done) => child.once('exit', done));
    // Wait until the job runs (listed as running for this Par), then interrupt.
    const runner = await Par.fromToken((await readFile(token.slice(1), 'utf8')).trim()).execute(identity);
    for (let i = 0; i < 200; i++) {
      const [job] = await runner.jobs();
      if (job?.lastStatus?.state === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await code).toBe(130);
    expect(stderr).toMatch(/stopping job [0-9a-f]{32}…\nparkit: job [0-9a-f]{32} stopped\n/);
    const [job] = await runner.jobs();
    expect(job?.lastStatus?.state).toBe('stopped');
  });
});
