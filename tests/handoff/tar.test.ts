/**
 * The streaming tar reader against archives made by real tools: GNU tar (ustar, GNU long
 * names) and Python's tarfile (pax, the format cartd streams), with non-ASCII and long names,
 * directories and links; and hostile or damaged input as typed errors.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isParkitError, readTar } from '../../src/index.js';
import { makeTar } from '../helpers/tar.js';

const LONG = `${'deep/'.repeat(30)}file-with-a-long-name.txt`;

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'parkit-tar-'));
  mkdirSync(join(root, 'data', 'a', 'b', 'é'), { recursive: true });
  writeFileSync(join(root, 'data', 'a', 'b', 'foo.txt'), 'foo\n');
  writeFileSync(join(root, 'data', 'a', 'b', 'é', 'baré.txt'), 'bar\n');
  mkdirSync(join(root, 'data', ...LONG.split('/').slice(0, -1)), { recursive: true });
  writeFileSync(join(root, 'data', LONG), 'x'.repeat(1500));
  symlinkSync('/etc/passwd', join(root, 'data', 'link'));
  return root;
}

async function entries(bytes: Uint8Array, chunk = 700) {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += chunk) controller.enqueue(bytes.slice(at, at + chunk));
      controller.close();
    },
  });
  const seen: { path: string; type: string; text?: string; link?: string }[] = [];
  for await (const { entry, body } of readTar(stream)) {
    const parts: Uint8Array[] = [];
    for await (const part of body) parts.push(part);
    seen.push({
      path: entry.path,
      type: entry.type,
      ...(entry.type === 'file' ? { text: Buffer.concat(parts).toString('utf8') } : {}),
      ...(entry.linkTarget === undefined ? {} : { link: entry.linkTarget }),
    });
  }
  return seen;
}

function expectTree(seen: Awaited<ReturnType<typeof entries>>) {
  const byPath = new Map(seen.map((entry) => [entry.path.replace(/\/$/, ''), entry]));
  expect(byPath.get('data/a/b/foo.txt')).toMatchObject({ type: 'file', text: 'foo\n' });
  expect(byPath.get('data/a/b/é/baré.txt')).toMatchObject({ type: 'file', text: 'bar\n' });
  expect(byPath.get(`data/${LONG}`)).toMatchObject({ type: 'file', text: 'x'.repeat(1500) });
  expect(byPath.get('data/link')).toMatchObject({ type: 'symlink', link: '/etc/passwd' });
  expect(byPath.get('data/a')).toMatchObject({ type: 'directory' });
}

describe('readTar', () => {
  it('reads what GNU tar writes (GNU long names)', async () => {
    const root = tree();
    const archive = execFileSync('tar', ['-C', root, '--format=gnu', '-cf', '-', 'data']);
    expectTree(await entries(new Uint8Array(archive)));
  });

  it('reads what GNU tar writes in pax format', async () => {
    const root = tree();
    const archive = execFileSync('tar', ['-C', root, '--format=pax', '-cf', '-', 'data']);
    expectTree(await entries(new Uint8Array(archive), 333));
  });

  it("reads what Python's tarfile writes (the stream cartd sends)", async () => {
    const root = tree();
    const archive = execFileSync('python3', [
      '-c',
      'import sys, tarfile; t = tarfile.open(fileobj=sys.stdout.buffer, mode="w|"); t.add(sys.argv[1], arcname="data"); t.close()',
      join(root, 'data'),
    ]);
    expectTree(await entries(new Uint8Array(archive), 512));
  });

  it('rejects a header with a bad checksum, and a truncated archive, as FormatError', async () => {
    const archive = makeTar([{ path: 'data/a.txt', content: 'hello' }]);
    const damaged = archive.slice();
    damaged[10] = (damaged[10] as number) ^ 1;
    const bad = await entries(damaged).catch((error) => error);
    expect(isParkitError(bad, 'PARKIT_INVALID_FORMAT')).toBe(true);
    expect(bad.message).toMatch(/bad checksum/);
    const truncated = await entries(archive.slice(0, 512 + 3)).catch((error) => error);
    expect(isParkitError(truncated, 'PARKIT_INVALID_FORMAT')).toBe(true);
    expect(truncated.message).toMatch(/ends in the middle/);
  });

  it('reads a file written by the system tar back byte for byte', async () => {
    const root = mkdtempSync(join(tmpdir(), 'parkit-tar-'));
    const bytes = new Uint8Array(70_001).map((_, i) => (i * 31) % 251);
    writeFileSync(join(root, 'blob.bin'), bytes);
    const archive = execFileSync('tar', ['-C', root, '-cf', '-', 'blob.bin']);
    const stream = new Blob([new Uint8Array(archive)]).stream();
    let count = 0;
    for await (const { entry, body } of readTar(stream)) {
      const parts: Uint8Array[] = [];
      for await (const part of body) parts.push(part);
      count++;
      expect(entry.size).toBe(70_001);
      expect(Buffer.concat(parts).equals(readFileSync(join(root, 'blob.bin')))).toBe(true);
    }
    expect(count).toBe(1);
  });
});
