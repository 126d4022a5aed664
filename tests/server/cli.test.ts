/**
 * `parkit serve`, `parkit bucket` and `parkit share` as real processes: the URL printed, the
 * admin connection found through `--data`, a token that opens to a working Par, one-line errors
 * with exit codes, and a clean SIGTERM shutdown.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BucketReader, generateIdentity, identityToRecipient, Par } from '../../src/index.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');
let dataDir: string;
let child: ChildProcess;
let url: string;
let stderr = '';

function parkit(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      'node',
      ['--import', 'tsx', main, ...args],
      { env: { ...process.env, PARKIT_ADMIN_KEY: '', PARKIT_SERVER: '', ...env } },
      (error, out, err) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parkit-cli-server-'));
  child = spawn('node', ['--import', 'tsx', main, 'serve', '--data', dataDir, '--log'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PARKIT_ADMIN_KEY: '' },
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  url = await new Promise<string>((done) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) done(out.trim());
    });
  });
  // The banner on standard error follows the URL on standard output.
  while (!stderr.includes('Ctrl-C stops it')) await new Promise((r) => setTimeout(r, 10));
});

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('parkit serve / bucket / share', () => {
  it('serve prints a loopback URL and records it for --data', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(await readFile(join(dataDir, 'server.json'), 'utf8')).url).toBe(url);
    expect(stderr).toContain('admin key in');
  });

  it('bucket create, ls and rm through --data', async () => {
    expect(await parkit(['bucket', 'create', 'reports', '--data', dataDir])).toMatchObject({
      code: 0,
      stdout: 'created bucket reports\n',
    });
    await parkit(['bucket', 'create', 'scratch', '--data', dataDir]);
    const listed = await parkit(['bucket', 'ls', '--json', '--data', dataDir]);
    expect(JSON.parse(listed.stdout).map((b: { name: string }) => b.name)).toEqual(['reports', 'scratch']);
    expect((await parkit(['bucket', 'rm', 'scratch', '--data', dataDir])).code).toBe(0);
    const again = await parkit(['bucket', 'create', 'reports', '--data', dataDir]);
    // A bucket that exists already is a conflict (exit 10, docs/cli.md).
    expect(again.code).toBe(10);
    expect(again.stderr).toMatch(/^parkit: PARKIT_CONFLICT: .*BUCKET_EXISTS/);
  });

  it('share prints a token that opens to a working prefix Par', async () => {
    const identity = await generateIdentity();
    const recipientFile = join(dataDir, '..', `recipients-${process.pid}.txt`);
    await writeFile(recipientFile, `# team\n${await identityToRecipient(identity)}\n`);
    const writer = await parkit([
      'share',
      'reports/q3/',
      '--to',
      recipientFile,
      '--expires',
      '10m',
      '--no-read',
      '--write',
      '--data',
      dataDir,
    ]);
    expect(writer.code).toBe(0);
    const writePar = Par.fromToken(writer.stdout.trim());
    expect(writePar.target).toEqual({ kind: 'bucket', bucket: 'reports', prefix: 'q3/' });
    expect(writePar.permissions).toEqual(['write']);
    const put = await fetch(`${await writePar.url(identity)}q3/a.txt`, { method: 'PUT', body: 'A' });
    expect(put.status).toBe(200);
    const reader = await parkit(
      [
        'share',
        'reports/q3/',
        '--to',
        await identityToRecipient(identity),
        '--expires',
        '1h30m',
        '--list',
        '--json',
      ],
      {
        PARKIT_SERVER: url,
        PARKIT_ADMIN_KEY: (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim(),
      },
    );
    const shown = JSON.parse(reader.stdout);
    expect(shown.permissions).toEqual(['read', 'list']);
    const bucket = (await Par.fromToken(shown.token).read(identity)) as BucketReader;
    expect(await bucket.getAllObjectNames()).toEqual(['q3/a.txt']);
    await rm(recipientFile, { force: true });
  });

  it('one-line errors with exit codes, never a secret', async () => {
    const noServer = await parkit(['bucket', 'ls']);
    expect(noServer).toMatchObject({ code: 2 });
    expect(noServer.stderr).toMatch(/^parkit: TypeError: no server/);
    const badKey = await parkit(['bucket', 'ls', '--server', url], {
      PARKIT_ADMIN_KEY: 'not-the-admin-key-at-all',
    });
    expect(badKey.code).toBe(4);
    expect(badKey.stderr).toMatch(/ADMIN_KEY_INVALID/);
    expect(badKey.stderr).not.toContain('not-the-admin-key-at-all');
    const badExpiry = await parkit([
      'share',
      'reports',
      '--to',
      'age1x',
      '--expires',
      'soon',
      '--data',
      dataDir,
    ]);
    expect(badExpiry.code).toBe(2);
    const adminKey = (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
    expect(stderr).not.toContain(adminKey);
    expect(stderr).toMatch(/"path":"\/p\/…\/n\/parkit\/b\/reports\/o\/q3\/a.txt"/);
  });

  it('SIGTERM stops the server cleanly', async () => {
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('parkit server: stopped');
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'server.lock'))).toBe(false);
  });
});
