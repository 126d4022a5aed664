/**
 * Every command run as a real process (the built dist/cli/main.js) against file:// Pars and
 * https-driver Pars on a loopback store: plain and --json output, documented exit codes, one-line
 * errors, and never a URL, signature or key on either stream.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Par } from '../../src/index.js';
import { keyPair } from '../helpers/fixtures.js';
import { type HttpStore, SIGNATURE, startHttpStore } from './helpers/http-store.js';
import { identityFile, parkit, type Run } from './helpers/run.js';

const me = await keyPair();
const stranger = await keyPair();
const myId = identityFile(me.identity);
const strangerId = identityFile(stranger.identity);
let store: HttpStore;
beforeAll(async () => {
  store = await startHttpStore();
});
afterAll(() => store.close());

const fresh = (name: string) => mkdtempSync(join(tmpdir(), `parkit-cmd-${name}-`));

function noSecrets(run: Run) {
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toContain(SIGNATURE);
    expect(text).not.toContain('AGE-SECRET-KEY');
  }
}

function oneErrorLine(run: Run, code: string) {
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^parkit: ${code}: `));
  noSecrets(run);
}

async function httpObjectPar(
  key: string,
  options: {
    driver?: 's3' | 'https';
    permissions?: ('read' | 'write' | 'delete')[];
    recipient?: string;
  } = {},
) {
  return Par.create({
    url: store.url(key),
    driver: options.driver ?? 'https',
    target: { kind: 'object', key },
    permissions: options.permissions ?? ['read'],
    expires: { hours: 1 },
    recipients: [options.recipient ?? me.recipient],
  });
}

async function filesBucket(
  permissions: ('read' | 'write' | 'list' | 'delete')[] = ['read', 'list', 'write'],
) {
  const dir = fresh('bucket');
  mkdirSync(join(dir, 'notes'));
  writeFileSync(join(dir, 'notes', 'a.txt'), 'alpha');
  writeFileSync(join(dir, 'notes', 'b.txt'), 'bravo');
  writeFileSync(join(dir, 'readme.md'), '# hi');
  const par = await Par.create({
    url: pathToFileURL(dir).href,
    driver: 'file',
    target: { kind: 'bucket', bucket: 'team' },
    permissions,
    expires: { hours: 1 },
    recipients: [me.recipient],
  });
  return { dir, token: par.toToken(), par };
}

describe('parkit open', () => {
  it('says what a token opens without printing the URL, and prints it only with --reveal', async () => {
    const par = await httpObjectPar('q3.csv');
    const plain = await parkit(['open', par.toToken(), '-i', myId]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('opens: read on object "q3.csv" via http://127.0.0.1:');
    expect(plain.stderr).toContain('--reveal');
    noSecrets(plain);
    const revealed = await parkit(['open', par.toToken(), '--reveal'], { env: { PARKIT_IDENTITY: myId } });
    expect(revealed.stdout.trim()).toBe(store.url('q3.csv'));
    const json = JSON.parse(
      (await parkit(['open', '-', '--json', '-i', myId], { input: par.toToken() })).stdout,
    );
    expect(json).toMatchObject({ fingerprint: par.fingerprint(), opens: true });
    expect(json.secret).toBeUndefined();
    expect(json.url).not.toContain(SIGNATURE);
  });

  it('exits 6 for the wrong identity, 3 when expired, 7 for a damaged token, 2 without an identity', async () => {
    const par = await httpObjectPar('q3.csv');
    oneErrorLine(await parkit(['open', par.toToken(), '-i', strangerId]), 'PARKIT_DECRYPTION_FAILED');
    expect((await parkit(['open', par.toToken(), '-i', strangerId])).code).toBe(6);
    const past = Date.now() - 7_200_000;
    const expired = await Par.create({
      url: store.url('q3.csv'),
      driver: 'https',
      target: { kind: 'object', key: 'q3.csv' },
      permissions: ['read'],
      expires: { hours: 1 },
      recipients: [me.recipient],
      now: () => past,
    });
    const run = await parkit(['open', expired.toToken(), '-i', myId]);
    expect(run.code).toBe(3);
    oneErrorLine(run, 'PARKIT_EXPIRED');
    const token = par.toToken();
    const damaged = await parkit([
      'open',
      `${token.slice(0, 60)}${token[60] === 'q' ? 'p' : 'q'}${token.slice(61)}`,
      '-i',
      myId,
    ]);
    expect(damaged.code).toBe(7);
    const home = fresh('home');
    const noIdentity = await parkit(['open', token], { env: { HOME: home, XDG_CONFIG_HOME: undefined } });
    expect(noIdentity.code).toBe(2);
    expect(noIdentity.stderr).toMatch(/--identity/);
  });

  it('prints errors as one JSON line with --json', async () => {
    const par = await httpObjectPar('q3.csv');
    const run = await parkit(['open', par.toToken(), '-i', strangerId, '--json']);
    expect(run.code).toBe(6);
    expect(JSON.parse(run.stderr)).toEqual({
      error: { code: 'PARKIT_DECRYPTION_FAILED', message: expect.any(String), exitCode: 6 },
    });
  });
});

describe('parkit get', () => {
  it("downloads an https object to the key's name, to -o FILE, and to standard output", async () => {
    store.objects.set('reports/q3.csv', Buffer.from('a,b\n1,2\n'));
    const par = await httpObjectPar('reports/q3.csv');
    const cwd = fresh('get');
    const here = await parkit(['get', par.toToken(), '-i', myId], { cwd });
    expect(here.code).toBe(0);
    expect(readFileSync(join(cwd, 'q3.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect(here.stderr).toBe(''); // small transfer, no TTY: no progress lines
    const tokenFile = join(cwd, 'token.txt');
    writeFileSync(tokenFile, `${par.toToken()}\n`);
    const json = await parkit(['get', `@${tokenFile}`, '-o', join(cwd, 'out.csv'), '--json', '-i', myId]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      key: 'reports/q3.csv',
      size: 8,
      fingerprint: par.fingerprint(),
    });
    const piped = await parkit(['get', '-', '-o', '-', '-i', myId], { input: par.toToken() });
    expect(piped.stdout).toBe('a,b\n1,2\n');
    noSecrets(piped);
  });

  it('prints plain progress lines on a non-TTY for large transfers', async () => {
    store.objects.set('big.bin', Buffer.alloc(3 << 20, 1));
    const par = await httpObjectPar('big.bin');
    const cwd = fresh('big');
    const run = await parkit(['get', par.toToken(), '-i', myId], { cwd });
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toMatch(/^get big\.bin \[#+\] 100% 3\.0 MiB\/3\.0 MiB/);
    expect(run.stderr).not.toContain('\r');
    const quiet = await parkit(['get', par.toToken(), '-i', myId, '-q', '-o', join(cwd, 'q.bin')]);
    expect(quiet.stderr).toBe('');
  });

  it('gets one key, or every object into a folder, from a bucket Par', async () => {
    const { token } = await filesBucket();
    const out = fresh('bucket-out');
    const one = await parkit(['get', token, 'notes/b.txt', '-o', join(out, 'b.txt'), '-i', myId]);
    expect(one.code).toBe(0);
    expect(readFileSync(join(out, 'b.txt'), 'utf8')).toBe('bravo');
    const all = await parkit(['get', token, '-o', join(out, 'all'), '-i', myId, '--json']);
    const result = JSON.parse(all.stdout);
    expect(result.files.map((file: { relative: string }) => file.relative).sort()).toEqual([
      'notes/a.txt',
      'notes/b.txt',
      'readme.md',
    ]);
    const again = JSON.parse(
      (await parkit(['get', token, '-o', join(out, 'all'), '-i', myId, '--json'])).stdout,
    );
    expect(again.files.every((file: { skipped: boolean }) => file.skipped)).toBe(true);
    expect(again.transferred).toBe(0);
  });

  it('exits 5 for a missing object, 4 when the store refuses, 2 for a key on an object Par', async () => {
    const missing = await parkit([
      'get',
      (await httpObjectPar('nope')).toToken(),
      '-i',
      myId,
      '-o',
      join(fresh('x'), 'n'),
    ]);
    expect(missing.code).toBe(5);
    oneErrorLine(missing, 'PARKIT_NOT_FOUND');
    const badSignature = await Par.create({
      url: store.url('reports/q3.csv').replace(SIGNATURE, 'forged'),
      driver: 'https',
      target: { kind: 'object', key: 'reports/q3.csv' },
      permissions: ['read'],
      expires: { hours: 1 },
      recipients: [me.recipient],
    });
    const refused = await parkit(['get', badSignature.toToken(), '-i', myId, '-o', join(fresh('y'), 'r')]);
    expect([3, 4]).toContain(refused.code);
    expect(refused.stderr).not.toContain('forged');
    const usage = await parkit([
      'get',
      (await httpObjectPar('reports/q3.csv')).toToken(),
      'extra-key',
      '-i',
      myId,
    ]);
    expect(usage.code).toBe(2);
  });
});

describe('parkit put', () => {
  it('uploads a file and standard input through an s3 (signed URL) object Par', async () => {
    const par = await httpObjectPar('up/data.txt', { driver: 's3', permissions: ['read', 'write'] });
    const dir = fresh('put');
    writeFileSync(join(dir, 'data.txt'), 'uploaded');
    const run = await parkit(['put', par.toToken(), join(dir, 'data.txt'), '-i', myId]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^stored up\/data\.txt \(8 B\)/);
    expect(store.objects.get('up/data.txt')?.toString()).toBe('uploaded');
    const piped = await parkit(['put', par.toToken(), '-', '-i', myId, '--json'], { input: 'from stdin' });
    expect(JSON.parse(piped.stdout)).toMatchObject({ key: 'up/data.txt', fingerprint: par.fingerprint() });
    expect(store.objects.get('up/data.txt')?.toString()).toBe('from stdin');
  });

  it("uploads into a bucket Par by key, or under the file's name", async () => {
    const { dir, token } = await filesBucket();
    const src = fresh('src');
    writeFileSync(join(src, 'new.txt'), 'new!');
    expect((await parkit(['put', token, 'notes/c.txt', join(src, 'new.txt'), '-i', myId])).code).toBe(0);
    expect(readFileSync(join(dir, 'notes', 'c.txt'), 'utf8')).toBe('new!');
    expect((await parkit(['put', token, join(src, 'new.txt'), '-i', myId])).code).toBe(0);
    expect(readFileSync(join(dir, 'new.txt'), 'utf8')).toBe('new!');
  });

  it('exits 4 when the Par does not grant write, and 9 for a read-only driver', async () => {
    const readOnly = await filesBucket(['read', 'list']);
    const src = fresh('src');
    writeFileSync(join(src, 'x.txt'), 'x');
    const denied = await parkit(['put', readOnly.token, 'x.txt', join(src, 'x.txt'), '-i', myId]);
    expect(denied.code).toBe(4);
    oneErrorLine(denied, 'PARKIT_PERMISSION_DENIED');
    const readOnlyDriver = await httpObjectPar('ro.txt', { driver: 'https', permissions: ['read', 'write'] });
    const unsupported = await parkit(['put', readOnlyDriver.toToken(), join(src, 'x.txt'), '-i', myId]);
    expect(unsupported.code).toBe(9);
    oneErrorLine(unsupported, 'PARKIT_NOT_SUPPORTED');
    expect(store.objects.has('ro.txt')).toBe(false);
  });
});

describe('parkit ls', () => {
  it('lists every key, with --long and --json, under a prefix', async () => {
    const { token } = await filesBucket();
    const plain = await parkit(['ls', token, '-i', myId]);
    expect(plain.stdout.trim().split('\n')).toEqual(['notes/a.txt', 'notes/b.txt', 'readme.md']);
    const long = await parkit(['ls', token, 'notes/', '--long', '-i', myId]);
    expect(long.stdout.trim().split('\n')).toHaveLength(2);
    expect(long.stdout).toMatch(/^\s+5 {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}notes\/a\.txt$/m);
    const json = JSON.parse((await parkit(['ls', token, '--json', '-i', myId])).stdout);
    expect(json.map((object: { key: string }) => object.key)).toEqual([
      'notes/a.txt',
      'notes/b.txt',
      'readme.md',
    ]);
    expect(json[0]).toMatchObject({ size: 5 });
  });

  it('needs the list permission (exit 4)', async () => {
    const { token } = await filesBucket(['read']);
    expect((await parkit(['ls', token, '-i', myId])).code).toBe(4);
  });
});

describe('parkit reseal and close', () => {
  it('reseals a grant to another recipient: same fingerprint, only they can open it', async () => {
    const par = await httpObjectPar('q3.csv');
    const run = await parkit(['reseal', par.toToken(), '--to', stranger.recipient, '-i', myId, '--json']);
    const { token, fingerprint } = JSON.parse(run.stdout);
    expect(fingerprint).toBe(par.fingerprint());
    expect((await parkit(['open', token, '-i', strangerId])).code).toBe(0);
    expect((await parkit(['open', token, '-i', myId])).code).toBe(6);
  });

  it('says clearly that a plain pre-signed link cannot be revoked (exit 9)', async () => {
    const run = await parkit(['close', (await httpObjectPar('q3.csv')).toToken(), '-i', myId]);
    expect(run.code).toBe(9);
    oneErrorLine(run, 'PARKIT_NOT_SUPPORTED');
    expect(run.stderr).toMatch(/cannot be revoked/);
  });
});

describe('help and completion', () => {
  it('has --help with examples on every command', async () => {
    for (const command of [
      'keygen',
      'inspect',
      'open',
      'get',
      'put',
      'ls',
      'close',
      'reseal',
      'event',
      'watch',
      'completion',
    ]) {
      const run = await parkit([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Examples:');
    }
    for (const sub of ['order', 'sign', 'fetch', 'pars']) {
      expect((await parkit(['stoa', sub, '--help'])).stdout).toContain('Examples:');
    }
  });

  it('prints a bash completion script that bash accepts and that completes commands and options', async () => {
    const script = (await parkit(['completion', 'bash'])).stdout;
    const dir = fresh('completion');
    writeFileSync(join(dir, 'parkit.bash'), script);
    const { execFileSync } = await import('node:child_process');
    const complete = (line: string) =>
      execFileSync('bash', [
        '-c',
        `source ${join(dir, 'parkit.bash')}; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _parkit; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ]).toString();
    expect(complete('parkit g').trim()).toBe('get');
    expect(complete('parkit get par1x --ou').trim()).toBe('--output');
    expect(complete('parkit stoa p').trim()).toBe('pars');
  });
});
