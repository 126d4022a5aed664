/**
 * The Azure issuer and dialect run unchanged in Deno, Bun and a browser (Debian's Chromium,
 * driven by playwright-core), against the same Azurite, from the built package.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRequest } from '../../../src/issuers/azure/account.js';
import { accountAccess, createContainer } from '../../servers/azurite.js';
import { azurite } from './context.js';

const root = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'parkit-azure-runtimes-'));
let server: Server;
let origin: string;

const expected = {
  names: ['runtime/ü b+c.txt'],
  text: 'hello azure',
  beforeRevoke: 'hello azure',
  revoked: true,
  afterRevoke: 'PARKIT_PERMISSION_DENIED',
  keyHidden: true,
};

async function options(label: string) {
  const info = azurite();
  return { ...info, container: await createContainer(info, label) };
}

beforeAll(async () => {
  const bundled = await build({
    stdin: {
      contents: `import * as parkit from './dist/index.js';\nimport { azureScenario } from './tests/issuers/azure/runtime-scenario.js';\nwindow.runAzure = (options) => azureScenario(parkit, options);`,
      resolveDir: root,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  const bundle = bundled.outputFiles[0]?.text ?? '';
  server = createServer((request, response) => {
    if (request.url === '/bundle.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      return void response.end(bundle);
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><script type="module" src="/bundle.js"></script>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A browser page may call the store only if the store's CORS rules let its origin in.
  const cors =
    '<?xml version="1.0" encoding="utf-8"?><StorageServiceProperties><Cors><CorsRule>' +
    `<AllowedOrigins>${origin}</AllowedOrigins><AllowedMethods>GET,HEAD,PUT,DELETE</AllowedMethods>` +
    '<AllowedHeaders>*</AllowedHeaders><ExposedHeaders>*</ExposedHeaders><MaxAgeInSeconds>60</MaxAgeInSeconds>' +
    '</CorsRule></Cors></StorageServiceProperties>';
  const response = await accountRequest(accountAccess(azurite()), {
    method: 'PUT',
    url: new URL(`${azurite().endpoint}/?restype=service&comp=properties`),
    headers: { 'content-type': 'application/xml' },
    body: new TextEncoder().encode(cors),
  });
  await response.body?.cancel();
}, 180_000);
afterAll(() => new Promise<void>((done) => server.close(() => done())));

async function inRuntime(command: string[], label: string) {
  const script = join(dir, `${label}.mjs`);
  writeFileSync(
    script,
    `import * as parkit from ${JSON.stringify(join(root, 'dist/index.js'))};\nimport { azureScenario } from ${JSON.stringify(join(root, 'tests/issuers/azure/runtime-scenario.js'))};\nconsole.log(JSON.stringify(await azureScenario(parkit, ${JSON.stringify(await options(label))})));\n`,
  );
  const { stdout } = await run(command[0] as string, [...command.slice(1), script], { cwd: root });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

describe('Azure SAS in other runtimes', () => {
  it('runs in Deno', async () => {
    const deno = join(root, 'node_modules/.bin/deno');
    expect(
      await inRuntime(
        [deno, 'run', '--node-modules-dir=manual', '--allow-read', '--allow-net', '--allow-env'],
        'deno',
      ),
    ).toEqual(expected);
  });

  it('runs in Bun', async () => {
    expect(await inRuntime([join(root, 'node_modules/.bin/bun'), 'run'], 'bun')).toEqual(expected);
  });

  it('runs in a browser (Chromium)', async () => {
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
      await page.waitForFunction(() => 'runAzure' in window);
      const facts = await page.evaluate(
        (o) => (window as never as { runAzure(o: unknown): Promise<unknown> }).runAzure(o),
        await options('browser'),
      );
      expect(facts).toEqual(expected);
    } finally {
      await browser.close();
    }
  });
});
