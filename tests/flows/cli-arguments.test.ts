/**
 * The flags of `parkit flows create` make the definition the API takes (a JSON file and flags
 * merged, the flags winning), and every command refuses bad flags with exit 2 and one error
 * line before it reaches a server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDefinition, parseInput, parseOutput } from '../../src/cli/commands/flows-definition.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parkit-flows-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const none = { input: [], output: [] };

describe('flows create flags', () => {
  it('reads inputs as data ids, optionally pinned', () => {
    expect(parseInput('data=reports/q3/*')).toEqual(['data', { bucket: 'reports', prefix: 'q3/' }]);
    expect(parseInput('data=reports/q3/revenue.csv@2')).toEqual([
      'data',
      { bucket: 'reports', key: 'q3/revenue.csv', version: 2 },
    ]);
    expect(parseInput('all=reports')).toEqual(['all', { bucket: 'reports', prefix: '' }]);
    expect(parseInput('all=reports/*@3')).toEqual(['all', { bucket: 'reports', prefix: '', version: 3 }]);
    for (const bad of ['data', '=reports/x', 'data=', 'data=/x', '1st=reports/x'])
      expect(() => parseInput(bad)).toThrow(TypeError);
  });

  it('reads outputs as a bucket and an optional prefix', () => {
    expect(parseOutput('reports=reports/checks/')).toEqual([
      'reports',
      { bucket: 'reports', prefix: 'checks/' },
    ]);
    expect(parseOutput('reports=reports')).toEqual(['reports', { bucket: 'reports' }]);
    expect(() => parseOutput('reports')).toThrow(TypeError);
  });

  it('merges a file and flags, the flags winning', async () => {
    const file = join(dir, 'flow.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'from-file',
        calculation: 'checksumReport',
        arguments: { prefix: 'q3/', algorithm: 'sha1' },
        inputs: { data: { bucket: 'reports', prefix: 'q3/' } },
        outputs: { reports: { bucket: 'reports', prefix: 'checks/' } },
        policy: 'any',
        retry: { maxAttempts: 5 },
      }),
    );
    const definition = await flowDefinition('renamed', {
      ...none,
      file,
      arguments: { algorithm: 'sha256' },
      output: ['reports=other/out/'],
      retryDelay: '1m',
    });
    expect(definition).toEqual({
      name: 'renamed',
      calculation: 'checksumReport',
      arguments: { prefix: 'q3/', algorithm: 'sha256' },
      inputs: { data: { bucket: 'reports', prefix: 'q3/' } },
      outputs: { reports: { bucket: 'other', prefix: 'out/' } },
      policy: 'any',
      retry: { maxAttempts: 5, delaySeconds: 60 },
    });
  });

  it('builds an ingestion from flags, the URL read from a file', async () => {
    const urlFile = join(dir, 'url.txt');
    await writeFile(urlFile, 'https://feed.example/daily.csv?sig=0123456789abcdef\n');
    expect(
      await flowDefinition('feed', {
        ...none,
        policy: 'ingestion',
        every: '1h',
        ingestUrl: `@${urlFile}`,
        ingestTo: 'raw/feed.csv',
      }),
    ).toEqual({
      name: 'feed',
      policy: 'ingestion',
      intervalSeconds: 3600,
      ingestion: {
        url: 'https://feed.example/daily.csv?sig=0123456789abcdef',
        bucket: 'raw',
        key: 'feed.csv',
      },
    });
  });

  it.each<[string, Parameters<typeof flowDefinition>[1], ErrorConstructor]>([
    ['no name anywhere', { ...none, calculation: 'c' }, TypeError],
    ['a missing file', { ...none, file: '/nonexistent/flow.json' }, TypeError],
    ['two ingestion sources', { ...none, ingestUrl: 'https://x', ingestPar: 'par1x' }, TypeError],
    ['a target without key', { ...none, ingestTo: 'raw' }, TypeError],
    ['retries 0', { ...none, retries: '0' }, RangeError],
    ['an interval of nonsense', { ...none, every: 'often' }, RangeError],
  ])('refuses %s', async (what, flags, type) => {
    await expect(flowDefinition(what === 'no name anywhere' ? undefined : 'x', flags)).rejects.toThrow(type);
  });

  it('refuses a file that is not JSON without quoting it', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"ingestion":{"url":"https://x.example/?sig=0123456789abcdef"');
    const error = await flowDefinition('x', { ...none, file }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).not.toContain('0123456789abcdef');
  });
});

function parkit(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      'node',
      ['--import', 'tsx', main, ...args],
      // Port 9 (discard): a request that got through would fail with exit 8, not 2.
      {
        env: {
          ...process.env,
          PARKIT_SERVER: 'http://127.0.0.1:9',
          PARKIT_ADMIN_KEY: 'admin-key-5f1d2c3b4a',
        },
      },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('bad flags exit 2 before any request', () => {
  it.each([
    [['flows', 'create', 'Bad-Name', '--calculation', 'c'], /RangeError: name/],
    [['flows', 'create', 'ok', '--calculation', 'c', '--policy', 'sometimes'], /RangeError: policy/],
    [['flows', 'create', 'ok', '--calculation', 'c', '--input', 'data'], /TypeError: --input/],
    [['flows', 'create', 'ok', '--calculation', 'c', '--policy', 'timer'], /TypeError: a timer flow/],
    [['flows', 'ls', '--limit', '0'], /RangeError: --limit/],
    [['flows', 'runs', 'x', '--limit', 'many'], /RangeError: --limit/],
    [['data', 'versions', 'b/k', '--limit', '-1'], /RangeError: --limit/],
    [['lineage', 'b/k', '--depth', '17'], /RangeError: depth/],
    [['lineage', 'b/k', '--version', '0'], /RangeError: --version/],
  ])('parkit %j', async (args, message) => {
    const { code, stdout, stderr } = await parkit(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--json errors are one JSON object', async () => {
    const { code, stderr } = await parkit(['flows', 'ls', '--limit', '0', '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stderr)).toEqual({
      error: { code: 'RangeError', message: '--limit must be a positive integer', exitCode: 2 },
    });
  });

  it('every subcommand has help with examples', async () => {
    for (const args of [
      ['flows', 'create'],
      ['flows', 'ls'],
      ['flows', 'show'],
      ['flows', 'rm'],
      ['flows', 'run'],
      ['flows', 'runs'],
      ['data', 'ls'],
      ['data', 'versions'],
      ['provenance', 'ls'],
      ['provenance', 'show'],
      ['lineage'],
    ]) {
      const { code, stdout } = await parkit([...args, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/Examples:\n {2}parkit /);
    }
  });
});
