/**
 * The core runs unchanged in Deno, Bun and a browser (Debian's Chromium, driven by
 * playwright-core): the same scenario (tests/runtimes/scenario.js) against the built package.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inRuntime, ROOT, type ScenarioPage, scenarioPage } from '../helpers/runtimes.js';

const SCENARIO = { module: 'tests/runtimes/scenario.js', name: 'scenario' };
const dir = mkdtempSync(join(tmpdir(), 'parkit-runtimes-'));
const vectors = JSON.parse(readFileSync(join(ROOT, 'tests/vectors/par-format-v1.json'), 'utf8'));
const vector = { ...vectors.cases[0], identity: vectors.identity, now: '2026-01-15T09:31:00.000Z' };
let page: ScenarioPage;

beforeAll(async () => {
  page = await scenarioPage(SCENARIO, { '/hello.txt': 'hello from loopback' });
}, 180_000);
afterAll(() => page.close());

function options(name: string) {
  return { objectUrl: `${page.origin}/hello.txt`, fileUrl: join(dir, `${name}.txt`), vector };
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
    expect(await inRuntime('deno', SCENARIO, options('deno'))).toEqual({
      ...expectedCommon,
      saveToFile: 'saved 19',
    });
    expect(readFileSync(join(dir, 'deno.txt'), 'utf8')).toBe('hello from loopback');
  });

  it('runs in Bun, files included', async () => {
    expect(await inRuntime('bun', SCENARIO, options('bun'))).toEqual({
      ...expectedCommon,
      saveToFile: 'saved 19',
    });
  });

  it('runs in a browser (Chromium), where files fail with NotSupportedError', async () => {
    expect(await page.run(options('browser'))).toEqual({
      ...expectedCommon,
      saveToFile: 'PARKIT_NOT_SUPPORTED',
    });
  });
});
