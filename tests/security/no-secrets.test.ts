/**
 * No URL, signature, token or key ever appears in an error message, in `toString`, in
 * `JSON.stringify` or in `util.inspect` output — of any Par form or any error the core produces.
 * This test provokes every failure path the core has and searches every rendering of the result.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSealed, Par, seal } from '../../src/index.js';
import { keyPair, manualClock } from '../helpers/fixtures.js';

const SIGNATURE = 'c0ffee00deadbeef1234567890abcdef1234567890abcdef1234567890abcdef';
const PASSPHRASE = 'tr0ub4dor-and-3-horses';
let server: Server;
let base: string;
let alice: Awaited<ReturnType<typeof keyPair>>;
let bob: Awaited<ReturnType<typeof keyPair>>;

beforeAll(async () => {
  [alice, bob] = await Promise.all([keyPair(), keyPair()]);
  // A real HTTP server that refuses in every way a store can, echoing the request URL in its
  // bodies (as some stores do) to prove parkit does not copy response text containing it blindly.
  server = createServer((request, response) => {
    const status = Number(new URL(request.url ?? '/', 'http://x').pathname.split('/')[1]);
    response.writeHead(status, { 'content-type': 'application/xml' });
    response.end(
      `<Error><Code>Nope</Code><Message>denied</Message><Resource>${request.url}</Resource></Error>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function renderings(value: unknown): string[] {
  const shown = [String(value), inspect(value, { depth: 20, showHidden: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) {
    shown.push(
      value.message,
      value.stack ?? '',
      JSON.stringify({ ...value, context: (value as { context?: unknown }).context }),
    );
    if (value.cause !== undefined) shown.push(...renderings(value.cause));
  }
  return shown;
}

async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('secrets never leak', () => {
  it('through any Par form or any error the core produces', async () => {
    const clock = manualClock();
    const url = (status: number) => `${base}/${status}/report.csv?X-Amz-Signature=${SIGNATURE}`;
    const mint = (status: number, extra: Partial<Parameters<typeof Par.create>[0]> = {}) =>
      Par.create({
        url: url(status),
        driver: 'https',
        target: { kind: 'object', key: 'report.csv' },
        permissions: ['read'],
        expires: { hours: 1 },
        recipients: [alice.recipient],
        now: clock.now,
        ...extra,
      });
    const par = await mint(403);
    const token = par.toToken();
    // Origins and object paths are not secret (errors name them, redacted); signatures, keys and tokens are.
    const secrets = [
      SIGNATURE,
      alice.identity,
      bob.identity,
      bob.identity.toLowerCase(),
      PASSPHRASE,
      token.slice(10, 60),
    ];

    const forms: unknown[] = [
      par,
      par.toJSON(),
      String(par),
      Par.fromToken(token),
      Par.fromData(par.toData()),
    ];
    const errors: unknown[] = [];
    const read = async (status: number) =>
      (await (await mint(status)).read(alice.identity)) as { getObject(): Promise<Uint8Array> };
    for (const status of [401, 403, 404, 409, 412, 429, 500, 503]) {
      errors.push(await failure(async () => (await read(status)).getObject()));
    }
    const unreachable = await Par.create({
      url: `http://127.0.0.1:9/x?X-Amz-Signature=${SIGNATURE}`,
      driver: 'https',
      target: { kind: 'object', key: 'x' },
      permissions: ['read'],
      expires: { hours: 1 },
      recipients: [alice.recipient],
    });
    errors.push(
      await failure(async () =>
        ((await unreachable.read(alice.identity)) as { getObject(): Promise<unknown> }).getObject(),
      ),
    );
    errors.push(await failure(() => par.url(bob.identity)));
    errors.push(
      await failure(() =>
        par.url('AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ'),
      ),
    );
    errors.push(await failure(() => par.url(bob.identity.toLowerCase())));
    errors.push(await failure(() => par.write(alice.identity)));
    errors.push(await failure(() => par.close(alice.identity)));
    errors.push(await failure(() => Par.fromToken(token.slice(0, -3))));
    errors.push(await failure(() => Par.fromToken(`${token.slice(0, 200)}x${token.slice(201)}`)));
    errors.push(await failure(() => Par.fromToken(`https://evil.example/?X-Amz-Signature=${SIGNATURE}`)));
    const data = JSON.parse(JSON.stringify(par.toData()));
    data.json.expires = '2099-01-01T00:00:00.000Z';
    errors.push(await failure(() => Par.fromData(data).url(alice.identity)));
    errors.push(await failure(() => Par.fromData({ json: { ...data.json, v: 9 } })));
    errors.push(await failure(() => mint(403, { recipients: [`age1${SIGNATURE}`] })));
    errors.push(await failure(() => mint(403, { url: `${url(403)}${'x'.repeat(70_000)}` })));
    const passphrased = await seal(url(403), [{ passphrase: PASSPHRASE, workFactor: 10 }]);
    errors.push(await failure(() => openSealed(passphrased, { passphrase: `${PASSPHRASE}!` })));
    const opened = await read(200);
    clock.advance(3600);
    errors.push(await failure(() => par.url(alice.identity)));
    errors.push(await failure(() => opened.getObject()));

    expect(errors.length).toBeGreaterThan(20);
    for (const value of [...forms, ...errors]) {
      for (const text of renderings(value)) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    }
  });
});

describe('secrets never leak from the parkit server or its admin client', () => {
  it('admin key, access tokens and URLs stay out of errors, logs and renderings', async () => {
    const { startServer } = await import('../server/helpers.js');
    const { ParkitAdmin } = await import('../../src/index.js');
    const logged: string[] = [];
    const t = await startServer({ log: (entry) => logged.push(JSON.stringify(entry)) });
    try {
      await t.admin.createBucket('s');
      const { par, url } = await t.mint({ bucket: 's', prefix: 'p/', permissions: ['read', 'list'] });
      const token = new URL(url).pathname.split('/')[2] as string;
      const secrets = [t.adminKey, token, token.slice(0, 30), url, t.identity];
      const wrongKey = new ParkitAdmin({ url: t.server.url, adminKey: `${t.adminKey}x` });
      const errors: unknown[] = [
        await failure(() => wrongKey.listBuckets()),
        await failure(() => t.admin.createBucket('s')),
        await failure(() => t.admin.getPar('0'.repeat(32))),
        await failure(() =>
          t.admin.createPar({
            bucket: 'nope',
            permissions: ['read'],
            expires: { hours: 1 },
            recipients: [t.recipient],
          }),
        ),
        await failure(() =>
          t.admin.createPar({
            bucket: 's',
            permissions: ['read'],
            expires: { hours: 1 },
            recipients: ['age1bad'],
          }),
        ),
        await failure(() =>
          new ParkitAdmin({ url: 'http://127.0.0.1:9', adminKey: t.adminKey }).listBuckets(),
        ),
      ];
      const reader = (await par.read(t.identity)) as { getObject(key: string): Promise<unknown> };
      errors.push(await failure(() => reader.getObject('p/missing')));
      await t.admin.closePar(par);
      errors.push(await failure(() => reader.getObject('p/missing')));
      for (const bad of [`${url}../x`, url.replace(token, `${token}x`), `${url}?limit=0`]) {
        const answer = await fetch(bad);
        const body = await answer.text();
        expect(answer.status).toBeGreaterThanOrEqual(400);
        for (const secret of secrets) expect(body).not.toContain(secret);
      }
      expect(errors.length).toBe(8);
      for (const value of [...errors, t.admin, par, logged.join('\n')]) {
        for (const text of renderings(value)) {
          for (const secret of secrets) expect(text).not.toContain(secret);
        }
      }
      expect(logged.some((line) => line.includes('/p/…/n/parkit/b/s/o/'))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
