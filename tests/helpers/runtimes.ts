/**
 * Running a scenario against the built package in other runtimes: Deno and Bun as child
 * processes, and a browser (Debian's Chromium, driven by playwright-core) on a loopback page.
 * A scenario is a module of `tests/` exporting `name(parkit, options)` that returns JSON facts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const scripts = mkdtempSync(join(tmpdir(), 'parkit-runtime-scripts-'));

/** A scenario: the module (relative to the repository root) and the function it exports. */
export interface Scenario {
  readonly module: string;
  readonly name: string;
}

/** Deno's permissions for a scenario that reads files, writes files and uses the network. */
export const DENO_ALL = ['--allow-read', '--allow-write', '--allow-net', '--allow-env'] as const;

/**
 * Run a scenario in Deno or Bun against `dist/index.js`.
 *
 * @param runtime - which runtime
 * @param scenario - what to run
 * @param options - the scenario's options (JSON)
 * @param denoPermissions - Deno's `--allow-*` flags
 * @returns the facts the scenario printed
 */
export async function inRuntime(
  runtime: 'deno' | 'bun',
  scenario: Scenario,
  options: unknown,
  denoPermissions: readonly string[] = DENO_ALL,
): Promise<unknown> {
  const script = join(scripts, `${runtime}-${scenario.name}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `import * as parkit from ${JSON.stringify(join(ROOT, 'dist/index.js'))};\n` +
      `import { ${scenario.name} } from ${JSON.stringify(join(ROOT, scenario.module))};\n` +
      `console.log(JSON.stringify(await ${scenario.name}(parkit, ${JSON.stringify(options)})));\n`,
  );
  const command =
    runtime === 'deno'
      ? [join(ROOT, 'node_modules/.bin/deno'), 'run', '--node-modules-dir=manual', ...denoPermissions]
      : [join(ROOT, 'node_modules/.bin/bun'), 'run'];
  const { stdout } = await run(command[0] as string, [...command.slice(1), script], { cwd: ROOT });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

/** Start Debian's Chromium headless, with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A loopback page that runs a scenario bundled for the browser. */
export interface ScenarioPage {
  /** The page's origin (for CORS rules and URLs the scenario fetches). */
  readonly origin: string;
  /** Open the page in a fresh Chromium and run the scenario there. */
  run(options: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Bundle a scenario with `dist/index.js` for the browser and serve it on loopback (a secure
 * context, so WebCrypto's subtle API exists).
 *
 * @param scenario - what to run
 * @param files - other paths the page serves, with their bodies
 */
export async function scenarioPage(
  scenario: Scenario,
  files: Readonly<Record<string, string>> = {},
): Promise<ScenarioPage> {
  const bundled = await build({
    stdin: {
      contents:
        `import * as parkit from './dist/index.js';\nimport { ${scenario.name} } from './${scenario.module}';\n` +
        `window.runScenario = (options) => ${scenario.name}(parkit, options);`,
      resolveDir: ROOT,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  const bundle = bundled.outputFiles[0]?.text ?? '';
  const server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (file !== undefined) return void response.end(file);
    if (request.url === '/bundle.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      return void response.end(bundle);
    }
    if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html' });
      return void response.end('<!doctype html><script type="module" src="/bundle.js"></script>');
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    async run(options) {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${origin}/`);
        await page.waitForFunction(() => 'runScenario' in window);
        return await page.evaluate(
          (o) => (window as never as { runScenario(o: unknown): Promise<unknown> }).runScenario(o),
          options,
        );
      } finally {
        await browser.close();
      }
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
