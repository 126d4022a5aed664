/**
 * The core runs unchanged in Deno, Bun and a browser (Debian's Chromium, driven by
 * playwright-core): the same scenario (tests/runtimes/scenario.js) against the built package.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'parkit-runtimes-'));
const vectors = JSON.parse(readFileSync(join(root, 'tests/vectors/par-format-v1.json'), 'utf8'));
const vector = { ...vectors.cases[0], identity: vectors.identity, now: '2026-01-15T09:31:00.000Z' };
let server: Server;
let origin: string;
let browserBundle = '';

beforeAll(async () => {
  const bundled = await build({
    stdin: {
      contents: `import * as parkit from './dist/index.js';\nimport { scenario } from './tests/runtimes/scenario.js';\nwindow.runScenario = (options) => scenario(parkit, options);`,
      resolveDir: root,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  browserBundle = bundled.outputFiles[0]?.text ?? '';
  server = createServer((request, response) => {
    if (request.url === '/hello.txt') return void response.end('hello from loopback');
    if (request.url === '/bundle.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      return void response.end(browserBundle);
    }
    if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html' });
      return void response.end('<!doctype html><script type="module" src="/bundle.js"></script>');
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);
afterAll(() => new Promise<void>((done) => server.close(() => done())));

function options(name: string) {
  return { objectUrl: `${origin}/hello.txt`, fileUrl: join(dir, `${name}.txt`), vector };
}

async function inRuntime(command: string[], name: string) {
  const script = join(dir, `${name}.mjs`);
  writeFileSync(
    script,
    `import * as parkit from ${JSON.stringify(join(root, 'dist/index.js'))};\nimport { scenario } from ${JSON.stringify(join(root, 'tests/runtimes/scenario.js'))};\nconsole.log(JSON.stringify(await scenario(parkit, ${JSON.stringify(options(name))})));\n`,
  );
  const { stdout } = await run(command[0] as string, [...command.slice(1), script], { cwd: root });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

const expectedCommon = {
  sameFingerprint: true,
  dataRoundTrip: true,
  text: 'hello from loopback',
  noSecretInJson: true,
  wrongIdentity: 'PARKIT_DECRYPTION_FAILED',
  goldenFingerprint: true,
  goldenUrl: true,
};

describe('the core in other runtimes', () => {
  it('runs in Deno, files included', async () => {
    const deno = join(root, 'node_modules/.bin/deno');
    const facts = await inRuntime(
      [
        deno,
        'run',
        '--node-modules-dir=manual',
        '--allow-read',
        '--allow-write',
        '--allow-net',
        '--allow-env',
      ],
      'deno',
    );
    expect(facts).toEqual({ ...expectedCommon, saveToFile: 'saved 19' });
    expect(readFileSync(join(dir, 'deno.txt'), 'utf8')).toBe('hello from loopback');
  });

  it('runs in Bun, files included', async () => {
    const facts = await inRuntime([join(root, 'node_modules/.bin/bun'), 'run'], 'bun');
    expect(facts).toEqual({ ...expectedCommon, saveToFile: 'saved 19' });
  });

  it('runs in a browser (Chromium), where files fail with NotSupportedError', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(origin);
      await page.waitForFunction(() => 'runScenario' in window);
      const facts = await page.evaluate(
        (o) => (window as never as { runScenario(o: unknown): Promise<unknown> }).runScenario(o),
        options('browser'),
      );
      expect(facts).toEqual({ ...expectedCommon, saveToFile: 'PARKIT_NOT_SUPPORTED' });
    } finally {
      await browser.close();
    }
  });
});
