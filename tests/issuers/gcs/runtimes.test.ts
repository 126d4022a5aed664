/**
 * S3 and GCS signing in Deno, Bun and a browser (Chromium): the built package signs the AWS
 * documentation example and a GCS V4 RSA conformance case exactly, and GOOG4-HMAC as Node does
 * (tests/issuers/gcs/signing-scenario.js). The RSA signatures go through each runtime's WebCrypto.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as parkit from '../../../src/index.js';
import { inRuntime, ROOT, scenarioPage } from '../../helpers/runtimes.js';
import { signingScenario } from './signing-scenario.js';

const SCENARIO = { module: 'tests/issuers/gcs/signing-scenario.js', name: 'signingScenario' };
const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
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

describe('S3 and GCS signing in other runtimes', () => {
  it('Deno', async () => {
    expect(await inRuntime('deno', SCENARIO, options, ['--allow-read', '--allow-env'])).toEqual(expected);
  });

  it('Bun', async () => {
    expect(await inRuntime('bun', SCENARIO, options)).toEqual(expected);
  });

  it('Chromium', async () => {
    // WebCrypto's subtle API exists only in secure contexts: the page is served from loopback.
    const page = await scenarioPage(SCENARIO);
    try {
      expect(await page.run(options)).toEqual(expected);
    } finally {
      await page.close();
    }
  });
});
