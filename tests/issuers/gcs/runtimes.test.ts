/**
 * S3 and GCS signing in Deno, Bun and a browser (Chromium): the built package signs the AWS
 * documentation example and a GCS V4 RSA conformance case exactly, and GOOG4-HMAC as Node does
 * (tests/issuers/gcs/signing-scenario.js). The RSA signatures go through each runtime's WebCrypto.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as parkit from '../../../src/index.js';
import { signingScenario } from './signing-scenario.js';

const root = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'parkit-signing-'));
const read = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const gcs = (
  read('tests/vectors/gcs-v4/v4_signatures.json').signingV4Tests as { description: string }[]
).find((entry) => entry.description === 'Simple GET') as Record<string, string>;
const options = {
  s3: read('tests/vectors/aws-sigv4/s3-presign-example.json'),
  gcs,
  serviceAccount: read('tests/vectors/gcs-v4/service-account.json'),
  at: Date.UTC(2026, 10, 22, 12, 0, 0),
};
let expected: { s3: string; gcsRsa: string; gcsHmac: string };

beforeAll(async () => {
  expected = await signingScenario(parkit, options);
  expect(expected.s3).toBe(options.s3.expectedUrl);
  expect(expected.gcsRsa).toBe(gcs.expectedUrl);
});

async function inRuntime(command: string[], name: string) {
  const script = join(dir, `${name}.mjs`);
  writeFileSync(
    script,
    `import * as parkit from ${JSON.stringify(join(root, 'dist/index.js'))};\nimport { signingScenario } from ${JSON.stringify(join(root, 'tests/issuers/gcs/signing-scenario.js'))};\nconsole.log(JSON.stringify(await signingScenario(parkit, ${JSON.stringify(options)})));\n`,
  );
  const { stdout } = await run(command[0] as string, [...command.slice(1), script], { cwd: root });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

describe('S3 and GCS signing in other runtimes', () => {
  it('Deno', async () => {
    const deno = join(root, 'node_modules/.bin/deno');
    expect(
      await inRuntime([deno, 'run', '--node-modules-dir=manual', '--allow-read', '--allow-env'], 'deno'),
    ).toEqual(expected);
  });

  it('Bun', async () => {
    expect(await inRuntime([join(root, 'node_modules/.bin/bun'), 'run'], 'bun')).toEqual(expected);
  });

  it('Chromium', async () => {
    const bundled = await build({
      stdin: {
        contents: `import * as parkit from './dist/index.js';\nimport { signingScenario } from './tests/issuers/gcs/signing-scenario.js';\nwindow.signingScenario = (options) => signingScenario(parkit, options);`,
        resolveDir: root,
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
    });
    // WebCrypto's subtle API exists only in secure contexts: serve the page from loopback.
    const server = createServer((request, response) => {
      if (request.url === '/bundle.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' });
        return void response.end(bundled.outputFiles[0]?.text ?? '');
      }
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><script type="module" src="/bundle.js"></script>');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => 'signingScenario' in window);
      const urls = await page.evaluate(
        (o) => (window as never as { signingScenario(o: unknown): Promise<unknown> }).signingScenario(o),
        options,
      );
      expect(urls).toEqual(expected);
    } finally {
      await browser.close();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
