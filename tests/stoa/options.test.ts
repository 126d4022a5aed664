/**
 * StoaClient options: the environment presets of PROTOCOLS §1, overridable URLs, and the seed's
 * validation (offset ≥ 0, 0 < limit ≤ 20, workspace apps|cart, credentials per method) — all
 * refused before any request is made.
 */
import { describe, expect, it } from 'vitest';
import { STOA_ENVIRONMENTS, StoaClient, type StoaClientOptions } from '../../src/index.js';
import { resolveSettings } from '../../src/stoa/options.js';
import { PRODUCT } from '../helpers/stoa.js';

const rest = { authentication: 'rest', email: 'a@example.com', password: 'pw-123456' } as const;

function make(extra: Record<string, unknown>): StoaClient {
  return new StoaClient({ ...rest, ...PRODUCT, ...extra } as StoaClientOptions);
}

describe('Stoa environments', () => {
  it('match the URLs the Python client uses', () => {
    expect(STOA_ENVIRONMENTS.dev).toEqual({
      login: 'https://auth-dev.grasp-daas.com/rest-auth/login/',
      token: 'https://auth-dev.grasp-daas.com/oauth/token/',
      order: 'https://fmdp.io/api/stoa-dev/v2/order/',
      sign: 'https://fmdp.io/api/stoa-dev/v2/sign/',
    });
    expect(STOA_ENVIRONMENTS.prod).toEqual({
      login: 'https://auth.grasp-daas.com/rest-auth/login/',
      token: 'https://auth.grasp-daas.com/oauth/token/',
      order: 'https://fmdp.io/api/stoa/v2/order/',
      sign: 'https://fmdp.io/api/stoa/v2/sign/',
    });
  });

  it('default to dev, pick prod, and let each URL be overridden', () => {
    expect(resolveSettings({ ...rest, ...PRODUCT }).urls).toEqual(STOA_ENVIRONMENTS.dev);
    const settings = resolveSettings({
      ...rest,
      ...PRODUCT,
      environment: 'prod',
      urls: { order: 'http://127.0.0.1:1/o/' },
    });
    expect(settings.urls).toEqual({ ...STOA_ENVIRONMENTS.prod, order: 'http://127.0.0.1:1/o/' });
  });

  it('default the order to the seed values', () => {
    const { product, page } = resolveSettings({ ...rest, ...PRODUCT, version: undefined } as never);
    expect(product.version).toBe('1.0');
    expect(page).toEqual({ offset: 0, limit: 20, ascending: false });
  });
});

describe('StoaClient validation', () => {
  it.each([
    [{ offset: -1 }, RangeError, /offset/],
    [{ offset: 1.5 }, RangeError, /offset/],
    [{ limit: 0 }, RangeError, /limit/],
    [{ limit: 21 }, RangeError, /limit/],
    [{ workspace: 'home' }, RangeError, /workspace/],
    [{ environment: 'staging' }, RangeError, /environment/],
    [{ ascending: 'False' }, TypeError, /ascending/],
    [{ productName: '' }, TypeError, /productName/],
    [{ ownerId: undefined }, TypeError, /ownerId/],
    [{ urls: { sign: 'ftp://x/' } }, TypeError, /urls\.sign/],
    [{ urls: { login: 'not a url' } }, TypeError, /urls\.login/],
    [{ timeout: 0 }, RangeError, /timeout/],
    [{ renewBefore: -1 }, RangeError, /renewBefore/],
  ])('refuses %o', (extra, type, message) => {
    expect(() => make(extra)).toThrow(type);
    expect(() => make(extra)).toThrow(message);
  });

  it('asks for the credentials of the chosen method, never echoing them', () => {
    expect(() => new StoaClient({ ...PRODUCT, authentication: 'rest', email: 'a@b.c' } as never)).toThrow(
      /password must be a non-empty string/,
    );
    expect(
      () =>
        new StoaClient({ ...PRODUCT, authentication: 'oauth2', clientId: 'id', clientSecret: '' } as never),
    ).toThrow(/clientSecret/);
    expect(() => new StoaClient({ ...PRODUCT, authentication: 'kerberos' } as never)).toThrow(
      /authentication must be 'rest' or 'oauth2'/,
    );
    expect(() => new StoaClient({ ...PRODUCT, identity: {} } as never)).toThrow(/generateToken/);
    expect(
      () =>
        new StoaClient({
          ...PRODUCT,
          ...rest,
          identity: { generateToken: () => ({ token: 't', expires: 0 }) },
        } as never),
    ).toThrow(/not both/);
  });

  it('checks paging again on each order, before any request', async () => {
    let requests = 0;
    const client = make({
      fetch: async () => {
        requests++;
        return new Response('[]');
      },
    });
    await expect(client.order({ limit: 25 })).rejects.toThrow(RangeError);
    await expect(client.order({ offset: -5 })).rejects.toThrow(/offset/);
    await expect(client.sign({ keys: [''] })).rejects.toThrow(TypeError);
    await expect(client.sign({ concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(client.fetch({ format: 'dataframe' as never })).rejects.toThrow(/format/);
    await expect(client.pars({ recipients: [] })).rejects.toThrow(/recipients/);
    expect(requests).toBe(0);
  });
});
