/**
 * Secure handoff between real processes: A shares a Par sealed to B; B gets it, C cannot. Share
 * events travel as CloudEvents (structured and binary mode) from `parkit event --post` into a
 * running `parkit watch`, which downloads what is sealed to its identity, ignores the rest
 * (answering 202, logging only the fingerprint), refuses garbage with 400, downloads Pacifica
 * ingest events through cartd, and shuts down cleanly on SIGTERM.
 */

import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Par } from '../../src/index.js';
import { keyPair } from '../helpers/fixtures.js';
import { startCartd } from '../servers/cartd.js';
import { type HttpStore, SIGNATURE, startHttpStore } from './helpers/http-store.js';
import { identityFile, parkit, spawnParkit } from './helpers/run.js';

const [alice, bob, carol] = await Promise.all([keyPair(), keyPair(), keyPair()]);
const ids = {
  alice: identityFile(alice.identity),
  bob: identityFile(bob.identity),
  carol: identityFile(carol.identity),
};
let store: HttpStore;
beforeAll(async () => {
  store = await startHttpStore();
  store.objects.set('team/report.csv', Buffer.from('region,sales\nnorth,12\n'));
});
afterAll(() => store.close());

const fresh = (name: string) => mkdtempSync(join(tmpdir(), `parkit-handoff-${name}-`));

/** Alice's grant, sealed to her, as the issuer would mint it. */
const aliceToken = async () =>
  (
    await Par.create({
      url: store.url('team/report.csv'),
      driver: 'https',
      target: { kind: 'object', key: 'team/report.csv' },
      permissions: ['read'],
      expires: { hours: 1 },
      recipients: [alice.recipient],
    })
  ).toToken();

interface Watcher {
  child: ChildProcess;
  url: string;
  lines: string[];
  waitFor(pattern: RegExp): Promise<string>;
}

async function watch(identity: string, toDir: string, extra: string[] = []): Promise<Watcher> {
  const child = spawnParkit([
    'watch',
    '--listen',
    '127.0.0.1:0',
    '--to-dir',
    toDir,
    '-i',
    identity,
    '--json',
    ...extra,
  ]);
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let at = buffer.indexOf('\n');
    while (at >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
      at = buffer.indexOf('\n');
    }
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const found = lines.find((line) => pattern.test(line));
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(
        () => reject(new Error(`no log line ${pattern}; got:\n${lines.join('\n')}`)),
        20_000,
      );
      waiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  const listening = JSON.parse(await waitFor(/"event":"listening"/));
  return { child, url: listening.url, lines, waitFor };
}

function stop(watcher: Watcher): Promise<number | null> {
  return new Promise((resolve) => {
    watcher.child.once('exit', (code) => resolve(code));
    watcher.child.kill('SIGTERM');
  });
}

describe('two-identity handoff', () => {
  it('A reseals to B; B gets the file; C cannot open it (exit 6) and nothing is written', async () => {
    const shared = (
      await parkit(['reseal', await aliceToken(), '--to', bob.recipient, '-i', ids.alice])
    ).stdout.trim();
    expect(shared).toMatch(/^par1/);
    const bobDir = fresh('bob');
    const got = await parkit(['get', shared, '-i', ids.bob], { cwd: bobDir });
    expect(got.code).toBe(0);
    expect(readFileSync(join(bobDir, 'report.csv'), 'utf8')).toBe('region,sales\nnorth,12\n');
    const carolDir = fresh('carol');
    const denied = await parkit(['get', shared, '-i', ids.carol], { cwd: carolDir });
    expect(denied.code).toBe(6);
    expect(denied.stderr).toMatch(/^parkit: PARKIT_DECRYPTION_FAILED: /);
    expect(readdirSync(carolDir)).toEqual([]);
    // Alice herself no longer holds this sealing.
    expect((await parkit(['open', shared, '-i', ids.alice])).code).toBe(6);
  });
});

describe('parkit watch', () => {
  it('downloads shares sent in structured and binary mode, ignores ones sealed to others, refuses garbage', async () => {
    const bobDir = fresh('bob-watch');
    const bobWatch = await watch(ids.bob, bobDir);
    try {
      const toBob = (
        await parkit(['reseal', await aliceToken(), '--to', bob.recipient, '-i', ids.alice])
      ).stdout.trim();
      const fingerprint = Par.fromToken(toBob).fingerprint();
      const sent = await parkit(['event', toBob, '--post', bobWatch.url, '--json']);
      expect(sent.code).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({ fingerprint, status: 202 });
      const saved = JSON.parse(await bobWatch.waitFor(/"event":"saved"/));
      expect(saved).toMatchObject({ kind: 'share', fingerprint, files: 1 });
      expect(readFileSync(join(bobDir, 'team', 'report.csv'), 'utf8')).toBe('region,sales\nnorth,12\n');

      // Binary mode: the same file again is already complete.
      expect((await parkit(['event', toBob, '--post', bobWatch.url, '--mode', 'binary'])).code).toBe(0);
      await bobWatch.waitFor(/"event":"saved".*"skipped":1/);

      // Sealed to Carol: 202 (a 4xx would disable a Pacifica subscription), logged by fingerprint only.
      const toCarol = (
        await parkit(['reseal', await aliceToken(), '--to', carol.recipient, '-i', ids.alice])
      ).stdout.trim();
      const ignored = await parkit(['event', toCarol, '--post', bobWatch.url, '--json']);
      expect(JSON.parse(ignored.stdout).status).toBe(202);
      const line = await bobWatch.waitFor(/"event":"ignored"/);
      expect(JSON.parse(line)).toMatchObject({
        kind: 'share',
        fingerprint: Par.fromToken(toCarol).fingerprint(),
      });

      // Not an event at all: 400, and the listener keeps running.
      const garbage = await fetch(bobWatch.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"x":1}',
      });
      expect(garbage.status).toBe(400);
      const relabelled = JSON.parse((await parkit(['event', toBob])).stdout);
      relabelled.data.permissions = ['read', 'write'];
      const tampered = await fetch(bobWatch.url, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(relabelled),
      });
      expect(tampered.status).toBe(400);
      expect((await fetch(bobWatch.url)).status).toBe(405);

      const log = bobWatch.lines.join('\n');
      expect(log).not.toContain(toBob.slice(10, 60));
      expect(log).not.toContain(SIGNATURE);
      expect(log).not.toContain('AGE-SECRET-KEY');
      expect(await stop(bobWatch)).toBe(0);
      expect(bobWatch.lines.at(-1)).toMatch(/"event":"stopped"/);
    } finally {
      bobWatch.child.kill('SIGKILL');
    }
  });

  it('downloads Pacifica ingest events through cartd when given --cart-api', async () => {
    const text = (id: number) => `The data for file ${id}.\n`;
    const cartd = await startCartd({
      archive: new Map([1100, 1101].map((id) => [id, text(id)])),
      stagingPolls: 2,
    });
    const dir = fresh('pacifica');
    const watcher = await watch(ids.bob, dir, ['--cart-api', cartd.url, '--poll-interval', '10']);
    try {
      const event = {
        type: 'org.pacifica.metadata.ingest',
        data: [1100, 1101].map((id) => ({
          destinationTable: 'Files',
          _id: id,
          name: `file.${id}.txt`,
          subdir: `subdir_${id}`,
          hashtype: 'sha1',
          hashsum: createHash('sha1').update(text(id)).digest('hex'),
        })),
      };
      const response = await fetch(watcher.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      expect(response.status).toBe(202);
      expect(JSON.parse(await watcher.waitFor(/"event":"saved"/))).toMatchObject({
        kind: 'pacifica',
        files: 2,
      });
      expect(readFileSync(join(dir, 'data', 'subdir_1101', 'file.1101.txt'), 'utf8')).toBe(text(1101));
    } finally {
      await stop(watcher);
      await cartd.close();
    }
  });

  it('stops on SIGTERM in the middle of a download, leaving no partial file', async () => {
    store.objects.set('team/huge.bin', Buffer.alloc(8 << 20, 3));
    store.delay = 30;
    const dir = fresh('sigterm');
    const watcher = await watch(ids.bob, dir);
    try {
      const token = (
        await Par.create({
          url: store.url('team/huge.bin'),
          driver: 'https',
          target: { kind: 'object', key: 'team/huge.bin' },
          permissions: ['read'],
          expires: { hours: 1 },
          recipients: [bob.recipient],
        })
      ).toToken();
      expect((await parkit(['event', token, '--post', watcher.url])).code).toBe(0);
      await watcher.waitFor(/"event":"accepted"/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await stop(watcher)).toBe(0);
      expect(watcher.lines.join('\n')).toMatch(/"event":"failed".*"code":"ABORTED"/);
      const team = join(dir, 'team');
      expect(existsSync(team) ? readdirSync(team) : []).toEqual([]);
    } finally {
      store.delay = 0;
      watcher.child.kill('SIGKILL');
    }
  });
});
