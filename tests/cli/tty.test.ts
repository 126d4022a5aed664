/**
 * On a terminal, `parkit get` draws a progress bar on standard error: run inside a real tmux
 * pane (a pseudo-terminal) against a slow loopback store, and read the screen while the
 * download moves and after it finished.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Par } from '../../src/index.js';
import { keyPair } from '../helpers/fixtures.js';
import { type HttpStore, startHttpStore } from './helpers/http-store.js';
import { identityFile, MAIN } from './helpers/run.js';

const socket = `parkit-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args]).toString();
let store: HttpStore;
beforeAll(async () => {
  store = await startHttpStore();
});
afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
  await store.close();
});

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

async function screenUntil(pattern: RegExp, timeout = 20_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', 'get');
    if (pattern.test(screen)) return screen;
    if (Date.now() - started > timeout) throw new Error(`screen never matched ${pattern}:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('progress on a terminal', () => {
  it('redraws a bar in place while downloading, and ends at 100%', async () => {
    const me = await keyPair();
    store.objects.set('big/data.bin', Buffer.alloc(2 << 20, 9));
    store.delay = 40; // 32 chunks of 64 KiB: about 1.3 s
    const par = await Par.create({
      url: store.url('big/data.bin'),
      driver: 'https',
      target: { kind: 'object', key: 'big/data.bin' },
      permissions: ['read'],
      expires: { hours: 1 },
      recipients: [me.recipient],
    });
    const dir = mkdtempSync(join(tmpdir(), 'parkit-tty-'));
    writeFileSync(join(dir, 'token.txt'), par.toToken());
    const command = [
      process.execPath,
      MAIN,
      'get',
      `@${join(dir, 'token.txt')}`,
      '-i',
      identityFile(me.identity),
      '-o',
      join(dir, 'out.bin'),
    ]
      .map(quote)
      .join(' ');
    tmux('new-session', '-d', '-s', 'get', '-x', '100', '-y', '10', `${command}; echo "exit=$?"; sleep 60`);
    const moving = await screenUntil(/get data\.bin \[#*\.+\]\s+\d+%/);
    const percent = Number(/\]\s+(\d+)%/.exec(moving)?.[1]);
    expect(percent).toBeLessThan(100);
    const done = await screenUntil(/exit=\d+/);
    store.delay = 0;
    expect(done).toMatch(/exit=0/);
    expect(done).toMatch(/get data\.bin \[#+\] 100% 2\.0 MiB\/2\.0 MiB/);
    // Redrawn in place: one bar line on the screen, not one per update.
    expect(done.match(/get data\.bin \[/g)).toHaveLength(1);
    expect(readFileSync(join(dir, 'out.bin')).length).toBe(2 << 20);
  });
});
