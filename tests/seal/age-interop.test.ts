/**
 * Interop with the reference `age` command (Debian package `age`): what parkit seals opens with
 * `age -d`, what `age` seals opens in parkit, and identity files are interchangeable.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, identityToRecipient, openSealed, seal } from '../../src/index.js';
import { keyPair, makePar, SIGNED_URL } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'parkit-age-'));
const tty = join(import.meta.dirname, '../helpers/age-tty.py');
const age = (args: string[], input?: Uint8Array | string) =>
  execFileSync('age', args, input === undefined ? {} : { input });

function identityFile(name: string, identity: string): string {
  const path = join(dir, name);
  writeFileSync(path, `# created by a test\n${identity}\n`, { mode: 0o600 });
  return path;
}

let alice: Awaited<ReturnType<typeof keyPair>>;
let bob: Awaited<ReturnType<typeof keyPair>>;
beforeAll(async () => {
  [alice, bob] = await Promise.all([keyPair(), keyPair()]);
});

describe('parkit → age', () => {
  it('a Par sealed secret opens with `age -d -i` to exactly the URL', async () => {
    const par = await makePar(alice.recipient);
    const file = join(dir, 'par.age');
    writeFileSync(file, par.sealedSecret() as Uint8Array);
    const out = execFileSync('age', ['-d', '-i', identityFile('alice.txt', alice.identity), file]);
    expect(out.toString('utf8')).toBe(SIGNED_URL);
  });

  it('each of several recipients opens it with age', async () => {
    const par = await makePar(alice.recipient, { recipients: [alice.recipient, bob.recipient] });
    const sealed = par.sealedSecret() as Uint8Array;
    for (const [name, identity] of [
      ['a.txt', alice.identity],
      ['b.txt', bob.identity],
    ] as const) {
      expect(age(['-d', '-i', identityFile(name, identity)], sealed).toString()).toBe(SIGNED_URL);
    }
  });

  it('age refuses it with another identity', async () => {
    const par = await makePar(alice.recipient);
    expect(() => age(['-d', '-i', identityFile('bob.txt', bob.identity)], par.sealedSecret())).toThrow();
  });
});

describe('age → parkit', () => {
  it('opens what `age -r` sealed, binary and armored', async () => {
    const binary = age(['-r', alice.recipient], SIGNED_URL);
    expect(await openSealed(new Uint8Array(binary), alice.identity)).toBe(SIGNED_URL);
    const armored = age(['-a', '-r', alice.recipient], SIGNED_URL).toString();
    expect(armored).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(await openSealed(armored, alice.identity)).toBe(SIGNED_URL);
    await expect(openSealed(new Uint8Array(binary), bob.identity)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('uses identities made by age-keygen, and seals to their recipients for age to open', async () => {
    const keyFile = join(dir, 'keygen.txt');
    execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
    const identity = readFileSync(keyFile, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('AGE-SECRET-KEY-1')) as string;
    const fromAge = execFileSync('age-keygen', ['-y', keyFile]).toString().trim();
    expect(await identityToRecipient(identity)).toBe(fromAge);
    const sealed = await seal(SIGNED_URL, [fromAge]);
    expect(age(['-d', '-i', keyFile], sealed).toString()).toBe(SIGNED_URL);
  });

  it("a passphrase works both ways, at age's terminal prompt", async () => {
    const passphrase = 'correct horse battery staple';
    const sealedFile = join(dir, 'passphrase.age');
    const par = await makePar(alice.recipient, { recipients: [{ passphrase, workFactor: 12 }] });
    writeFileSync(sealedFile, par.sealedSecret() as Uint8Array);
    const opened = join(dir, 'passphrase.txt');
    execFileSync('python3', [tty, passphrase, '--', '-d', '-o', opened, sealedFile]);
    expect(readFileSync(opened, 'utf8')).toBe(SIGNED_URL);
    const plain = join(dir, 'url.txt');
    const byAge = join(dir, 'by-age.age');
    writeFileSync(plain, SIGNED_URL);
    execFileSync('python3', [tty, passphrase, '--', '-p', '-o', byAge, plain]);
    expect(await openSealed(new Uint8Array(readFileSync(byAge)), { passphrase })).toBe(SIGNED_URL);
    await expect(
      openSealed(new Uint8Array(readFileSync(byAge)), { passphrase: 'wrong' }),
    ).rejects.toBeInstanceOf(DecryptionError);
  });

  it('rejects armored text that is not an age file with a FormatError', async () => {
    await expect(
      openSealed('-----BEGIN AGE ENCRYPTED FILE-----\nnope\n', alice.identity),
    ).rejects.toMatchObject({
      code: 'PARKIT_INVALID_FORMAT',
    });
  });
});
