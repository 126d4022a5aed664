/**
 * Durability: `kill -9` of a server process mid-upload, then a restart (previous version intact,
 * no partial object, no temporary file left or listed); a client gone mid-upload; concurrent
 * writers to one key (one whole version wins, data and checksum never mixed); graceful shutdown
 * finishing an in-flight upload.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateIdentity, identityToRecipient, ParkitAdmin } from '../../src/index.js';
import { startServer } from './helpers.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');
const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

function serve(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('node', ['--import', 'tsx', main, 'serve', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line?.startsWith('http')) done({ child, url: line.trim() });
    });
    child.once('exit', (code) => fail(new Error(`server exited early (${code})`)));
  });
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Send a PUT whose body arrives in pieces; resolves when `first` bytes are sent. */
function slowPut(url: string, first: Buffer) {
  const target = new URL(url);
  const sent = request({
    method: 'PUT',
    hostname: target.hostname,
    port: target.port,
    path: target.pathname,
  });
  const answered = new Promise<number>((done, fail) => {
    sent.on('response', (response) => {
      response.resume();
      done(response.statusCode ?? 0);
    });
    sent.on('error', fail);
  });
  answered.catch(() => {});
  sent.write(first);
  return { sent, answered };
}

describe('durability', () => {
  it('kill -9 mid-upload, then restart: previous version intact, nothing partial, no temp file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parkit-kill-'));
    cleanup.push(dataDir);
    let { child, url } = await serve(dataDir);
    const adminKey = (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
    expect((await stat(join(dataDir, 'admin.key'))).mode & 0o777).toBe(0o600);
    const identity = await generateIdentity();
    let admin = new ParkitAdmin({ url, adminKey });
    await admin.createBucket('b');
    const par = await admin.createPar({
      bucket: 'b',
      permissions: ['read', 'write', 'list'],
      expires: { hours: 1 },
      recipients: [await identityToRecipient(identity)],
    });
    const base = await par.url(identity);
    expect((await fetch(`${base}report.bin`, { method: 'PUT', body: 'version one' })).status).toBe(200);

    const upload = slowPut(`${base}report.bin`, Buffer.alloc(4 * 1024 * 1024, 1));
    await until(async () => {
      const temps = await readdir(join(dataDir, 'tmp'));
      if (temps.length === 0) return false;
      return (await stat(join(dataDir, 'tmp', temps[0] as string))).size > 0;
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await expect(upload.answered).rejects.toThrow();
    expect((await readdir(join(dataDir, 'tmp'))).length).toBeGreaterThan(0); // the killed upload's leftovers

    ({ child, url } = await serve(dataDir));
    try {
      const again = base.replace(/^http:\/\/[^/]+/, url);
      expect(await (await fetch(`${again}report.bin`)).text()).toBe('version one');
      const listing = await (await fetch(`${again}?fields=name,size`)).json();
      expect(listing.objects).toEqual([{ name: 'report.bin', size: 11 }]);
      expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
      admin = new ParkitAdmin({ url, adminKey });
      expect((await admin.listPars()).map((p) => p.id)).toEqual([par.id]);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('a client gone mid-upload leaves the previous version and no temporary file', async () => {
    const t = await startServer();
    try {
      await t.admin.createBucket('b');
      const { url } = await t.mint({ bucket: 'b', key: 'k', permissions: ['read', 'write'] });
      expect((await fetch(url, { method: 'PUT', body: 'old' })).status).toBe(200);
      const upload = slowPut(url, Buffer.alloc(1024 * 1024, 2));
      await until(async () => (await readdir(join(t.dataDir, 'tmp'))).length > 0);
      upload.sent.destroy();
      await until(async () => (await readdir(join(t.dataDir, 'tmp'))).length === 0);
      expect(await (await fetch(url)).text()).toBe('old');
    } finally {
      await t.stop();
    }
  });

  it('concurrent writers to one key: one whole version wins, with its own checksum', async () => {
    const t = await startServer();
    try {
      await t.admin.createBucket('b');
      const { url } = await t.mint({ bucket: 'b', key: 'race.bin', permissions: ['read', 'write'] });
      const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(2 * 1024 * 1024 + i, i + 1));
      const answers = await Promise.all(bodies.map((body) => fetch(url, { method: 'PUT', body })));
      expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
      const final = await fetch(url);
      const bytes = Buffer.from(await final.arrayBuffer());
      const winner = bodies.findIndex((body) => body.equals(bytes));
      expect(winner).toBeGreaterThanOrEqual(0);
      expect(final.headers.get('x-checksum-sha256')).toBe(sha(bytes));
      expect(await readdir(join(t.dataDir, 'tmp'))).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it('close() lets an in-flight upload finish, then stops', async () => {
    const t = await startServer();
    try {
      await t.admin.createBucket('b');
      const { url } = await t.mint({ bucket: 'b', key: 'late.bin', permissions: ['read', 'write'] });
      const upload = slowPut(url, Buffer.alloc(100_000, 3));
      await until(async () => (await readdir(join(t.dataDir, 'tmp'))).length > 0);
      const closing = t.server.close();
      await new Promise((r) => setTimeout(r, 100));
      upload.sent.end(Buffer.alloc(100_000, 4));
      expect(await upload.answered).toBe(200);
      await closing;
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      await t.stop();
    }
  });
});
