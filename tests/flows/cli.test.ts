/**
 * `parkit flows|data|provenance|lineage` as real processes against a real server: create flows
 * from flags and from a file, list and show them, run one and wait for it, read its provenance,
 * the data versions and the lineage both ways, `--json` output, and the server's refusals as
 * one-line errors with their exit codes (nothing stored), never showing the admin key.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowServer, startFlowServer } from './helpers.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');
let t: FlowServer;
let runId: string;

async function parkit(args: string[]) {
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      'node',
      ['--import', 'tsx', main, ...args],
      { env: { ...process.env, PARKIT_SERVER: t.base.server.url, PARKIT_ADMIN_KEY: t.base.adminKey } },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  expect(`${run.stdout}${run.stderr}`).not.toContain(t.base.adminKey);
  return run;
}

const json = async (args: string[]) => {
  const run = await parkit([...args, '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
};

beforeAll(async () => {
  t = await startFlowServer();
  await t.src.setStringObject('a.txt', 'alpha\n');
  await t.src.setStringObject('more/b.txt', 'bravo\n');
});
afterAll(() => t.stop());

describe('parkit flows', () => {
  it('creates a flow from flags and one from a file', async () => {
    const created = await parkit([
      'flows',
      'create',
      'cli-join',
      '--calculation',
      'concat',
      '--input',
      'a=src/a.txt',
      '--input',
      'more=src/more/*',
      '--output',
      'result=out/cli/',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created flow cli-join \([0-9a-f]{32}\), policy none\n$/);
    const file = join(t.base.dataDir, 'flow.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'cli-broken',
        calculation: 'broken',
        outputs: { result: { bucket: 'out', prefix: 'broken/' } },
        retry: { maxAttempts: 1 },
      }),
    );
    expect(await json(['flows', 'create', '--file', file])).toMatchObject({
      name: 'cli-broken',
      policy: 'none',
      retry: { maxAttempts: 1 },
    });
  });

  it('lists and shows flows', async () => {
    const listed = await parkit(['flows', 'ls']);
    expect(
      listed.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('\t').slice(0, 3)),
    ).toEqual(
      expect.arrayContaining([
        ['cli-join', 'none', 'concat'],
        ['cli-broken', 'none', 'broken'],
      ]),
    );
    expect(await json(['flows', 'ls', '--limit', '1'])).toHaveLength(1);
    const shown = await parkit(['flows', 'show', 'cli-join']);
    expect(shown.stdout).toMatch(/^flow cli-join \([0-9a-f]{32}\)\n/);
    expect(shown.stdout).toContain('  input      a = src/a.txt (latest)\n');
    expect(shown.stdout).toContain('  input      more = src/more/* (latest)\n');
    expect(shown.stdout).toContain('  output     result = out/cli/\n');
  });

  it('runs a flow and waits for its provenance record', async () => {
    const run = await parkit(['flows', 'run', 'cli-join', '--wait']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^run [0-9a-z]+ of cli-join/);
    expect(run.stdout).toContain('  state      succeeded\n');
    expect(run.stdout).toMatch(/ {2}read {7}a = src\/a\.txt@1 sha256 [0-9a-f]{64}\n/);
    expect(run.stdout).toMatch(/ {2}wrote {6}result = out\/cli\/result\.txt@1 sha256 [0-9a-f]{64}\n/);
    const runs = await json(['flows', 'runs', 'cli-join']);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ state: 'succeeded', trigger: 'manual', flowName: 'cli-join' });
    runId = runs[0].id;
  });

  it('a run that fails exits 13 with its error, the record still printed', async () => {
    const run = await parkit(['flows', 'run', 'cli-broken', '--wait', '--json']);
    expect(run.code).toBe(13);
    expect(JSON.parse(run.stdout)).toMatchObject({ state: 'failed', flowName: 'cli-broken' });
    expect(run.stderr).toMatch(/"code":"PARKIT_JOB_FAILED".*broken: always fails/);
  });
});

describe('ingestion flows', () => {
  const signature = 'c0ffee00deadbeef1234567890abcdef';

  it('takes the URL from a file and never shows it again', async () => {
    const file = join(t.base.dataDir, 'feed-url.txt');
    await writeFile(file, `http://127.0.0.1:9/feed.csv?X-Amz-Signature=${signature}\n`);
    const args = [
      '--policy',
      'ingestion',
      '--every',
      '1h',
      '--ingest-url',
      `@${file}`,
      '--ingest-to',
      'src/feed.csv',
    ];
    const created = await parkit(['flows', 'create', 'cli-feed', ...args]);
    expect(created.stdout).toMatch(/^created flow cli-feed \([0-9a-f]{32}\), policy ingestion\n$/);
    const shown = await json(['flows', 'show', 'cli-feed']);
    expect(shown).toMatchObject({
      intervalSeconds: 3600,
      ingestion: { source: 'url', bucket: 'src', key: 'feed.csv' },
    });
    const again = await parkit(['flows', 'create', 'cli-feed', ...args]);
    expect(again.code).toBe(10);
    for (const output of [JSON.stringify(shown), (await parkit(['flows', 'ls'])).stdout, again.stderr])
      expect(output).not.toContain(signature);
    await parkit(['flows', 'rm', 'cli-feed']);
  });

  it('refuses a URL that is not http(s) without quoting it', async () => {
    const run = await parkit([
      'flows',
      'create',
      'cli-feed',
      '--policy',
      'ingestion',
      '--ingest-url',
      `ftp://feed.example/x?sig=${signature}`,
      '--ingest-to',
      'src/feed.csv',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^parkit: TypeError: ingestion\.url must be an absolute http\(s\) URL\n$/);
  });
});

describe('parkit data, provenance and lineage', () => {
  it('lists tracked data and versions', async () => {
    const data = await parkit(['data', 'ls']);
    expect(data.stdout).toMatch(/^src\/a\.txt\t1\t[0-9a-f]{64}\t6\t\d{4}-/m);
    expect(data.stdout).toMatch(/^out\/cli\/result\.txt\t1\t/m);
    expect(await json(['data', 'versions', 'src/a.txt'])).toEqual([
      expect.objectContaining({ data: 'src/a.txt', version: 1, size: 6 }),
    ]);
  });

  it('lists and shows provenance records', async () => {
    const listed = await parkit(['provenance', 'ls', '--flow', 'cli-join']);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${runId}\\tcli-join\\tsucceeded\\tmanual\\t1\\t.*\\tsrc/a\\.txt@1,src/more/\\*@1\\tout/cli/result\\.txt@1\\n$`,
      ),
    );
    expect(await json(['provenance', 'ls'])).toHaveLength(2);
    expect(await json(['provenance', 'show', runId])).toMatchObject({ id: runId, state: 'succeeded' });
  });

  it('walks lineage upstream and downstream', async () => {
    const upstream = await parkit(['lineage', 'out/cli/result.txt']);
    expect(upstream.stdout).toMatch(/^lineage of out\/cli\/result\.txt@1\n/);
    expect(upstream.stdout).toContain(`src/a.txt@1\t→\tout/cli/result.txt@1\t${runId}\tcli-join\n`);
    const downstream = await json(['lineage', 'src/a.txt', '--version', '1', '--downstream', '--depth', '2']);
    expect(downstream.root).toEqual({ data: 'src/a.txt', version: 1 });
    expect(downstream.edges).toContainEqual({
      from: { data: 'src/a.txt', version: 1 },
      to: { data: 'out/cli/result.txt', version: 1 },
      run: runId,
    });
  });
});

describe('refusals', () => {
  it.each([
    [['flows', 'show', 'nope'], 5, /^parkit: PARKIT_NOT_FOUND: .*FLOW_NOT_FOUND/],
    [
      ['flows', 'create', 'cli-join', '--calculation', 'concat'],
      10,
      /^parkit: PARKIT_CONFLICT: .*FLOW_EXISTS/,
    ],
    [['flows', 'create', 'x', '--calculation', 'concat', '--policy', 'any'], 8, /INVALID_FLOW/],
    [['flows', 'create', 'x', '--calculation', 'nothing'], 5, /CALCULATION_NOT_FOUND/],
    [['data', 'versions', 'src/nope.txt'], 5, /DATA_NOT_FOUND/],
    [['provenance', 'show', '0'.repeat(32)], 5, /RUN_NOT_FOUND/],
  ])('parkit %j exits %i', async (args, code, message) => {
    const before = await json(['flows', 'ls']);
    const run = await parkit(args);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(await json(['flows', 'ls'])).toEqual(before);
  });

  it('rm deletes a flow; its runs stay', async () => {
    expect((await parkit(['flows', 'rm', 'cli-join'])).stdout).toBe('deleted flow cli-join\n');
    expect((await parkit(['flows', 'show', 'cli-join'])).code).toBe(5);
    expect(await json(['provenance', 'show', runId])).toMatchObject({ flowName: 'cli-join' });
  });
});
