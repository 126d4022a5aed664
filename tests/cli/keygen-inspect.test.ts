/**
 * `parkit keygen` and `parkit inspect`, run as real processes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { identityToRecipient } from '../../src/index.js';
import { keyPair, makePar } from '../helpers/fixtures.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');
const dir = mkdtempSync(join(tmpdir(), 'parkit-cli-'));

function parkit(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      'node',
      ['--import', 'tsx', main, ...args],
      { env: { ...process.env, HOME: dir } },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

let token: string;
let fingerprint: string;
beforeAll(async () => {
  const keys = await keyPair();
  const par = await makePar(keys.recipient, { name: 'cli test' });
  token = par.toToken();
  fingerprint = par.fingerprint();
});

describe('parkit keygen', () => {
  it('writes an owner-only age identity file and prints its recipient', async () => {
    const path = join(dir, 'me.key');
    const result = await parkit(['keygen', '-o', path]);
    expect(result.code).toBe(0);
    const content = readFileSync(path, 'utf8');
    const identity = content.split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-1')) as string;
    expect(result.stdout.trim()).toBe(await identityToRecipient(identity));
    expect(content).toContain(`# public key: ${result.stdout.trim()}`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(result.stdout).not.toContain('AGE-SECRET-KEY');
  });

  it('never overwrites an existing identity (usage error, file unchanged)', async () => {
    const path = join(dir, 'keep.key');
    await parkit(['keygen', '-o', path]);
    const before = readFileSync(path, 'utf8');
    const result = await parkit(['keygen', '-o', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/already exists/);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('prints JSON with --json', async () => {
    const result = await parkit(['keygen', '-o', join(dir, 'json.key'), '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ recipient: expect.stringMatching(/^age1/) });
  });
});

describe('parkit inspect', () => {
  it('shows the grant without any key, from an argument or standard input', async () => {
    for (const result of [await parkit(['inspect', token]), await parkit(['inspect'], `${token}\n`)]) {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(fingerprint);
      expect(result.stdout).toMatch(/grants\s+read/);
      expect(result.stdout).toContain('reports/q3.csv');
      expect(result.stdout).toMatch(/s left/);
    }
  });

  it('prints JSON with --json, without the secret', async () => {
    const result = await parkit(['inspect', token, '--json']);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ fingerprint, name: 'cli test', permissions: ['read'] });
    expect(summary.secondsRemaining).toBeGreaterThan(3000);
    expect(result.stdout).not.toContain('X-Amz-Signature');
  });

  it('reports a damaged token as one line with its code and exit code 7, without echoing it', async () => {
    const damaged = `${token.slice(0, 50)}${token[50] === 'a' ? 'b' : 'a'}${token.slice(51)}`;
    const result = await parkit(['inspect', damaged]);
    expect(result.code).toBe(7);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^parkit: PARKIT_INVALID_FORMAT: /);
    expect(result.stderr).not.toContain(damaged.slice(4, 40));
  });

  it('treats unknown options as usage errors (exit 2)', async () => {
    const result = await parkit(['inspect', '--frobnicate']);
    expect(result.code).toBe(2);
  });
});
