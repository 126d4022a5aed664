/**
 * The Azure issuer and dialect run unchanged in Deno, Bun and a browser (Debian's Chromium,
 * driven by playwright-core), against the same Azurite, from the built package.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRequest } from '../../../src/issuers/azure/account.js';
import { inRuntime, type ScenarioPage, scenarioPage } from '../../helpers/runtimes.js';
import { accountAccess, createContainer } from '../../servers/azurite.js';
import { azurite } from './context.js';

const SCENARIO = { module: 'tests/issuers/azure/runtime-scenario.js', name: 'azureScenario' };
let page: ScenarioPage;

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
  page = await scenarioPage(SCENARIO);
  const origin = page.origin;
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
afterAll(() => page.close());

describe('Azure SAS in other runtimes', () => {
  it('runs in Deno', async () => {
    const permissions = ['--allow-read', '--allow-net', '--allow-env'];
    expect(await inRuntime('deno', SCENARIO, await options('deno'), permissions)).toEqual(expected);
  });

  it('runs in Bun', async () => {
    expect(await inRuntime('bun', SCENARIO, await options('bun'))).toEqual(expected);
  });

  it('runs in a browser (Chromium)', async () => {
    expect(await page.run(await options('browser'))).toEqual(expected);
  });
});
