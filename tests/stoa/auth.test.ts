/**
 * Authentication against the local Stoa server: `rest` (JSON e-mail/password), `oauth2`
 * (client credentials, HTTP Basic, form body), a caller's own identity renewed before expiry,
 * lazy authentication, exactly one re-authentication on a 401, and no credential or token in
 * any rendering of the client or its errors.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, RemoteServiceError, StoaClient, type StoaClientOptions } from '../../src/index.js';
import { manualClock } from '../helpers/fixtures.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  EMAIL,
  oauthClient,
  PASSWORD,
  PRODUCT,
  parquetFiles,
  restClient,
  stoaServer,
} from '../helpers/stoa.js';
import type { StoaServer } from '../servers/stoa.js';

const clock = manualClock();
let server: StoaServer;
const files = parquetFiles(3, 10);

beforeAll(async () => {
  server = await stoaServer({ now: () => clock.now().toMillis(), tokenLifetime: 600 });
  server.addDataset(PRODUCT, files);
});
afterAll(() => server.close());

function rendered(value: unknown): string {
  return [String(value), inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value)].join('\n');
}

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('rest authentication', () => {
  it('posts the e-mail and password as JSON and uses the bearer token', async () => {
    const client = restClient(server, { now: clock.now });
    expect(client.isAuthenticated()).toBe(false);
    await client.authenticate();
    expect(client.isAuthenticated()).toBe(true);
    const login = server.requests.findLast((request) => request.path === '/rest-auth/login/');
    expect(login?.method).toBe('POST');
    expect(login?.headers['content-type']).toBe('application/json');
    expect(await client.order()).toHaveLength(3);
    const order = server.requests.findLast((request) => request.path.endsWith('/order/'));
    expect(order?.headers.authorization).toMatch(/^Bearer [0-9a-f]{48}$/);
  });

  it('authenticates lazily before the first call, once', async () => {
    const before = server.stats.logins;
    const client = restClient(server, { now: clock.now });
    await client.order();
    await client.order({ limit: 1 });
    expect(server.stats.logins).toBe(before + 1);
    expect(client.isAuthenticated()).toBe(true);
  });

  it('reports bad credentials as a 401 RemoteServiceError without the password', async () => {
    const client = restClient(server, { password: 'wrong-password-77' });
    const error = await failure(() => client.order());
    expect(error).toBeInstanceOf(RemoteServiceError);
    const remote = error as RemoteServiceError;
    expect(remote.status).toBe(401);
    expect(remote.method).toBe('POST');
    expect(remote.url).toBe(`${server.base}/rest-auth/login/`);
    expect(remote.serviceMessage).toBe('Unable to log in with provided credentials.');
    expect(client.isAuthenticated()).toBe(false);
    expect(rendered(error)).not.toContain('wrong-password-77');
  });
});

describe('oauth2 authentication', () => {
  it('sends the client credentials grant with HTTP Basic and a form body', async () => {
    const before = server.stats.grants;
    const client = oauthClient(server, { now: clock.now });
    expect(await client.order()).toHaveLength(3);
    expect(server.stats.grants).toBe(before + 1);
    const grant = server.requests.findLast((request) => request.path === '/oauth/token/');
    expect(grant?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(grant?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    );
  });

  it('renews the token before its expires_in runs out', async () => {
    const before = server.stats.grants;
    const client = oauthClient(server, { now: clock.now });
    await client.order();
    clock.advance(600 - 31); // 31 s left: still fresh with the 30 s margin
    expect(client.isAuthenticated()).toBe(true);
    await client.order();
    clock.advance(2); // 29 s left: renewed before use, no 401 needed
    expect(client.isAuthenticated()).toBe(false);
    const requestsBefore = server.requests.length;
    await client.order();
    expect(server.stats.grants).toBe(before + 2);
    expect(server.requests.slice(requestsBefore).map((request) => request.path)).toEqual([
      '/oauth/token/',
      '/api/stoa-dev/v2/order/',
    ]);
  });

  it('reports an unknown client as a 401 without the secret', async () => {
    const client = oauthClient(server, { clientSecret: 'not-the-secret-123' });
    const error = (await failure(() => client.authenticate())) as RemoteServiceError;
    expect(error.status).toBe(401);
    expect(error.serviceMessage).toBe('invalid_client');
    expect(rendered(error)).not.toContain('not-the-secret-123');
  });
});

describe('401 from the API', () => {
  it('re-authenticates exactly once when the token has expired, then succeeds', async () => {
    const client = restClient(server); // system clock: it cannot know the server's token expired
    await client.authenticate();
    const logins = server.stats.logins;
    clock.advance(601); // the server's clock passes the token's lifetime
    const before = server.requests.length;
    expect(await client.order()).toHaveLength(3);
    expect(server.stats.logins).toBe(logins + 1);
    expect(server.requests.slice(before).map((request) => request.path)).toEqual([
      '/api/stoa-dev/v2/order/',
      '/rest-auth/login/',
      '/api/stoa-dev/v2/order/',
    ]);
  });

  it('gives up after the one retry when the service keeps refusing', async () => {
    const client = restClient(server);
    await client.authenticate();
    const logins = server.stats.logins;
    server.rejectTokens(true);
    try {
      const error = (await failure(() => client.order())) as RemoteServiceError;
      expect(error).toBeInstanceOf(RemoteServiceError);
      expect(error.status).toBe(401);
      expect(error.method).toBe('GET');
      expect(error.url).toBe(`${server.base}/api/stoa-dev/v2/order/?…`);
      expect(error.serviceMessage).toBe('Given token not valid for any token type');
      expect(server.stats.logins).toBe(logins + 1);
    } finally {
      server.rejectTokens(false);
    }
  });

  it('shares one re-authentication among parallel requests refused together', async () => {
    const client = restClient(server);
    await client.authenticate();
    const keys = await client.order();
    clock.advance(601);
    const logins = server.stats.logins;
    const signed = await client.sign({ keys: [...keys, ...keys, ...keys], concurrency: 9 });
    expect(Object.keys(signed).sort()).toEqual([...keys].sort());
    expect(server.stats.logins).toBe(logins + 1);
  });
});

describe('custom identity', () => {
  it('calls generateToken lazily, again shortly before expiry, and once after a 401', async () => {
    const idClock = manualClock();
    let generated = 0;
    const client = new StoaClient({
      ...PRODUCT,
      urls: server.urls,
      now: idClock.now,
      identity: {
        generateToken: async () => {
          generated++;
          const { token } = server.issueToken(EMAIL);
          return { token, expires: idClock.now().plus({ minutes: 5 }).toJSDate() };
        },
      },
    });
    expect(generated).toBe(0);
    await client.order();
    expect(generated).toBe(1);
    idClock.advance(4 * 60 + 20); // 40 s left
    await client.order();
    expect(generated).toBe(1);
    idClock.advance(15); // 25 s left: inside the 30 s margin
    await client.order();
    expect(generated).toBe(2);
    clock.advance(601); // the server expires it early
    await client.order();
    expect(generated).toBe(3);
    expect(client.toJSON().authentication).toBe('identity');
  });

  it('refuses an identity that returns no token', async () => {
    const client = new StoaClient({
      ...PRODUCT,
      urls: server.urls,
      identity: { generateToken: () => ({ token: '', expires: Date.now() + 60_000 }) },
    } as StoaClientOptions);
    await expect(client.order()).rejects.toThrow(/generateToken\(\) must return a non-empty token/);
  });
});

describe('malformed login answers', () => {
  it('treat a reply without access_token as a FormatError', async () => {
    const client = restClient(server, {
      fetch: async () => new Response('{"key":"abc"}', { headers: { 'content-type': 'application/json' } }),
    });
    const error = await failure(() => client.authenticate());
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).field).toBe('access_token');
  });
});

describe('secrets never leak', () => {
  it('through the client, however it is rendered', async () => {
    const clients = [restClient(server), oauthClient(server)];
    for (const client of clients) await client.authenticate();
    const tokens = server.requests
      .filter((request) => typeof request.headers.authorization === 'string')
      .map((request) => String(request.headers.authorization).split(' ')[1] as string);
    for (const client of clients) {
      const text = rendered(client);
      for (const secret of [PASSWORD, CLIENT_SECRET, ...tokens]) expect(text).not.toContain(secret);
      expect(text).toContain('observations');
    }
    expect(JSON.parse(JSON.stringify(clients[0]))).toEqual({
      environment: 'dev',
      authentication: 'rest',
      authenticated: true,
      ...PRODUCT,
      offset: 0,
      limit: 20,
      ascending: false,
    });
  });
});
