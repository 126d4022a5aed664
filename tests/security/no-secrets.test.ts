/**
 * No URL, signature, token or key ever appears in an error message, in `toString`, in
 * `JSON.stringify` or in `util.inspect` output — of any Par form or any error the core produces.
 * This test provokes every failure path the core has and searches every rendering of the result.
 */

import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcsIssuer, openSealed, Par, S3Issuer, seal } from '../../src/index.js';
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

  it('through share events, cart errors, the Downloader and the CLI error line', async () => {
    const { CartClient, Downloader, readShareEvent, shareEvent } = await import('../../src/index.js');
    const { decodeHttp } = await import('../../src/server/index.js');
    const { describeError } = await import('../../src/cli/error-line.js');
    const { scrubSecrets } = await import('../../src/cli/scrub.js');
    const par = await Par.create({
      url: `${base}/404/report.csv?X-Amz-Signature=${SIGNATURE}`,
      driver: 'https',
      target: { kind: 'object', key: 'report.csv' },
      permissions: ['read'],
      expires: { hours: 1 },
      recipients: [alice.recipient],
    });
    const token = par.toToken();
    const secrets = [SIGNATURE, alice.identity, token.slice(10, 60)];
    const event = shareEvent(par);
    const errors: unknown[] = [
      await failure(() => readShareEvent({ ...event, data: { ...event.data, fingerprint: 'x' } })),
      await failure(() =>
        readShareEvent({
          ...event,
          data: {
            ...event.data,
            token: `${token.slice(0, 80)}${token[80] === 'q' ? 'r' : 'q'}${token.slice(81)}`,
          },
        }),
      ),
      await failure(() =>
        decodeHttp({ 'content-type': 'application/cloudevents+json' }, `{"data":{"token":"${token}"`),
      ),
      await failure(() =>
        decodeHttp(
          {
            'content-type': 'application/json',
            'ce-specversion': '1.0',
            'ce-type': 't',
            'ce-id': 'i',
            'ce-source': 's',
          },
          `{${token}`,
        ),
      ),
      await failure(() =>
        new CartClient(`${base}/500?X-Amz-Signature=${SIGNATURE}`).state(
          `${base}/500/cart?X-Amz-Signature=${SIGNATURE}`,
        ),
      ),
      await failure(() =>
        new CartClient(`${base}/404`).download(`${base}/404/cart?sig=${SIGNATURE}`, 'data'),
      ),
      await failure(() =>
        new Downloader(mkdtempSync(join(tmpdir(), 'parkit-ns-')), { identity: alice.identity }).download(par),
      ),
      await failure(() =>
        new Downloader(mkdtempSync(join(tmpdir(), 'parkit-ns-')), { identity: bob.identity }).download(event),
      ),
    ];
    for (const value of errors) {
      for (const text of [...renderings(value), JSON.stringify(describeError(value))]) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    }
    // The CLI's last safety net: whatever text an error carries, the printed line has no secret.
    const line = describeError(
      new Error(`failed at ${base}/p/tok?X-Amz-Signature=${SIGNATURE} with ${token} and ${alice.identity}`),
    );
    for (const secret of secrets) expect(line.message).not.toContain(secret);
    expect(scrubSecrets(`see ${base}/x?sig=${SIGNATURE}`)).toBe(`see ${base}/x?…`);
  });
});

describe('Azure secrets never leak', () => {
  it('through the issuer, its Pars, its configuration errors or any Azure refusal', async () => {
    const { AzureIssuer } = await import('../../src/index.js');
    const { inject } = await import('vitest');
    const azurite = inject('azurite');
    const key = azurite.accountKey;
    const otherKey = 'c2VjcmV0LWtleS10aGF0LWlzLXdyb25nLWJ1dC12YWxpZC1iYXNlNjQtc28tc28tc28tbG9uZw==';
    const issuer = new AzureIssuer({
      accountName: azurite.accountName,
      accountKey: key,
      endpoint: azurite.endpoint,
    });
    const container = `secrets-${process.pid}`;
    const { accountRequest, decodeAccountKey } = await import('../../src/issuers/azure/account.js');
    const { DateTime } = await import('luxon');
    const access = {
      account: azurite.accountName,
      key: decodeAccountKey(key),
      version: '2025-11-05',
      fetch: globalThis.fetch.bind(globalThis),
      now: () => DateTime.utc(),
    };
    await (
      await accountRequest(access, {
        method: 'PUT',
        url: new URL(`${azurite.endpoint}/${container}?restype=container`),
      })
    ).body?.cancel();
    const mint = (extra: Record<string, unknown> = {}) =>
      issuer.createPar({
        container,
        blob: 'secret.txt',
        permissions: ['read', 'write'],
        expiresIn: 600,
        recipients: [alice.recipient],
        ...extra,
      });
    const par = await mint();
    const sasUrl = await par.url(alice.identity);
    const signature = new URL(sasUrl).searchParams.get('sig') as string;
    const tamperedSignature = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const secrets = [
      key,
      otherKey,
      signature,
      encodeURIComponent(signature),
      tamperedSignature,
      alice.identity,
    ];

    const wrap = (url: string, permissions: ('read' | 'write' | 'list')[] = ['read']) =>
      Par.create({
        url,
        driver: 'azure',
        target: { kind: 'object', key: 'secret.txt' },
        permissions,
        expires: { minutes: 10 },
        recipients: [alice.recipient],
      });
    const readVia = async (p: Par) =>
      ((await p.read(alice.identity)) as { getObject(): Promise<unknown> }).getObject();
    const errors: unknown[] = [];
    const forms: unknown[] = [issuer, issuer.toJSON(), String(issuer), par, par.toJSON()];
    // Configuration mistakes that involve the key.
    for (const accountKey of [otherKey.slice(0, -2), `${otherKey}!`, 'c2hvcnQ=']) {
      errors.push(await failure(() => new AzureIssuer({ accountName: azurite.accountName, accountKey })));
    }
    // Azure's refusals: missing blob, tampered signature, wrong permission, https only, expired, revoked.
    errors.push(await failure(() => readVia(par)));
    errors.push(
      await failure(async () =>
        readVia(
          await wrap(sasUrl.replace(encodeURIComponent(signature), encodeURIComponent(tamperedSignature))),
        ),
      ),
    );
    const readOnly = issuer.sasUrl({ container, blob: 'secret.txt', permissions: 'r', expiresIn: 600 });
    errors.push(
      await failure(async () =>
        (
          (await (await wrap(readOnly, ['read', 'write'])).write(alice.identity)) as {
            setStringObject(t: string): Promise<unknown>;
          }
        ).setStringObject('x'),
      ),
    );
    errors.push(await failure(async () => readVia(await mint({ protocol: 'https' }))));
    const slow = new AzureIssuer({
      accountName: azurite.accountName,
      accountKey: key,
      endpoint: azurite.endpoint,
      now: () => DateTime.utc().minus({ hours: 3 }),
    });
    errors.push(
      await failure(async () =>
        readVia(
          await slow.createPar({
            container,
            blob: 'secret.txt',
            permissions: ['read'],
            expiresIn: 60,
            recipients: [alice.recipient],
          }),
        ),
      ),
    );
    const revocable = await mint({ revocable: true });
    await issuer.revoke(revocable);
    errors.push(await failure(() => readVia(revocable)));
    errors.push(await failure(() => revocable.close(alice.identity)));
    errors.push(await failure(() => par.close(alice.identity)));
    // A wrong account key on the management requests.
    const wrong = new AzureIssuer({
      accountName: azurite.accountName,
      accountKey: otherKey,
      endpoint: azurite.endpoint,
    });
    errors.push(await failure(() => wrong.listPolicies(container)));
    // A hostile store that echoes the request URL (with its signature) in its error bodies.
    for (const status of [403, 404, 409, 500]) {
      errors.push(
        await failure(async () =>
          readVia(
            await wrap(
              `${base}/${status}/box/secret.txt?sv=2025-11-05&sr=b&sp=r&sig=${encodeURIComponent(signature)}`,
            ),
          ),
        ),
      );
    }

    expect(errors.length).toBeGreaterThan(14);
    const codes = new Set(errors.map((error) => (error as { code?: string }).code ?? (error as Error).name));
    for (const code of [
      'PARKIT_NOT_FOUND',
      'PARKIT_PERMISSION_DENIED',
      'PARKIT_EXPIRED',
      'PARKIT_NOT_SUPPORTED',
      'PARKIT_TRANSFER_FAILED',
      'RangeError',
    ]) {
      expect(codes).toContain(code);
    }
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

describe('secrets never leak from the S3 and GCS issuers and dialects', () => {
  let refusing: Server;
  let origin: string;
  beforeAll(async () => {
    // Refuses everything, echoing the request line, its headers and body (as some stores echo
    // parts of a request) to prove none of it is copied into parkit's errors.
    refusing = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const status = Number(new URL(request.url ?? '/', 'http://x').pathname.split('/')[1]) || 403;
        response.writeHead(status, { 'content-type': 'application/xml' });
        response.end(
          `<Error><Code>Nope</Code><Message>denied ${request.url} ${JSON.stringify(request.headers)} ${body}</Message></Error>`,
        );
      });
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => refusing.close(() => resolve())));

  it('through issuers, their Pars and every failure of the s3 and gcs dialects', async () => {
    const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY0';
    const SESSION = 'FwoGZXIvYXdzEJr//////////session-token-that-must-not-show';
    const HMAC_SECRET = 'hmac/Secret+NeverShown1234567890abcdef';
    const s3 = new S3Issuer({
      endpoint: origin,
      region: 'us-east-1',
      accessKeyId: 'AKIDNOTSECRET',
      secretAccessKey: SECRET_KEY,
      sessionToken: SESSION,
      sts: { roleArn: 'arn:aws:iam:::role/r' },
    });
    const gcs = new GcsIssuer({ hmacKey: { accessId: 'GOOG1ID', secret: HMAC_SECRET }, endpoint: origin });
    const secrets = [
      SECRET_KEY,
      SESSION,
      HMAC_SECRET,
      'X-Amz-Signature=',
      'X-Goog-Signature=',
      'Signature=',
      alice.identity,
    ];
    const errors: unknown[] = [];
    const objectPar = (url: string, driver: 's3' | 'gcs', permissions: ('read' | 'write' | 'delete')[]) =>
      Par.create({
        url,
        driver,
        target: { kind: 'object', key: 'report.csv' },
        permissions,
        expires: { hours: 1 },
        recipients: [alice.recipient],
      });
    // Path-style: the bucket is the first path segment, which the server answers as a status.
    const signed = (status: number, method: 'GET' | 'HEAD' | 'PUT' | 'DELETE') =>
      s3.presign({ method, bucket: String(status), key: 'report.csv', expiresIn: 600 });
    for (const status of [403, 404, 409, 500]) {
      const set = {
        v: 1,
        kind: 'urls',
        get: signed(status, 'GET'),
        head: signed(status, 'HEAD'),
        put: signed(status, 'PUT'),
        delete: signed(status, 'DELETE'),
      };
      const writer = (await (
        await objectPar(JSON.stringify(set), 's3', ['read', 'write', 'delete'])
      ).write(alice.identity)) as unknown as {
        getObject(): Promise<unknown>;
        setStringObject(text: string): Promise<unknown>;
        deleteObject(): Promise<unknown>;
        stat(): Promise<unknown>;
      };
      errors.push(await failure(() => writer.getObject()));
      errors.push(await failure(() => writer.setStringObject('x')));
      errors.push(await failure(() => writer.deleteObject()));
      errors.push(await failure(() => writer.stat()));
    }
    const gcsUrl = await gcs.presign({ method: 'GET', bucket: '403', key: 'report.csv', expiresIn: 600 });
    const gcsReader = (await (await objectPar(gcsUrl, 'gcs', ['read'])).read(alice.identity)) as unknown as {
      getObject(): Promise<unknown>;
    };
    errors.push(await failure(() => gcsReader.getObject()));
    const credentials = await Par.create({
      url: JSON.stringify({
        v: 1,
        kind: 'credentials',
        endpoint: origin,
        region: 'us-east-1',
        bucket: '403',
        pathStyle: true,
        accessKeyId: 'ASIATEMP',
        secretAccessKey: SECRET_KEY,
        sessionToken: SESSION,
        expires: '2099-01-01T00:00:00.000Z',
      }),
      driver: 's3',
      target: { kind: 'bucket', bucket: '403' },
      permissions: ['read', 'write', 'list'],
      expires: { hours: 1 },
      recipients: [alice.recipient],
    });
    const reader = (await credentials.read(alice.identity)) as unknown as {
      getObject(key: string): Promise<unknown>;
      listObjects(): Promise<unknown>;
    };
    errors.push(await failure(() => reader.getObject('k')));
    errors.push(await failure(() => reader.listObjects()));
    errors.push(
      await failure(() =>
        s3.createPar({
          bucket: '403',
          prefix: 'p/',
          permissions: ['read'],
          expiresIn: 60,
          recipients: [alice.recipient],
        }),
      ),
    );
    errors.push(await failure(() => s3.createMultipartUpload({ bucket: '403', key: 'k' })));
    errors.push(await failure(() => s3.presign({ method: 'GET', bucket: 'Bad', key: 'k', expiresIn: 60 })));
    errors.push(
      await failure(
        () =>
          new S3Issuer({
            endpoint: origin,
            region: 'us-east-1',
            accessKeyId: 'a',
            secretAccessKey: `${SECRET_KEY} `,
          }),
      ),
    );
    errors.push(await failure(() => gcs.presign({ method: 'GET', bucket: 'b', key: 'k', expiresIn: 60 })));

    expect(errors.length).toBeGreaterThan(20);
    for (const value of [s3, gcs, ...errors]) {
      for (const text of renderings(value)) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    }
  });
});

describe('secrets never leak from the observability clients', () => {
  it('admin key, Luco tokens and the Azure secret stay out of errors, logs and renderings', async () => {
    const { startServer } = await import('../server/helpers.js');
    const { LucoClient, ParkitObserver } = await import('../../src/index.js');
    const { startLucoServer } = await import('../servers/luco.js');
    const secret = 'azure-secret-0d4c1e9b7a';
    const luco = await startLucoServer({ clients: { app: { secret, resource: 'api://luco' } } });
    const logged: string[] = [];
    const t = await startServer({ log: (entry) => logged.push(JSON.stringify(entry)) });
    try {
      luco.addSequence({ source: 's' });
      const handed: string[] = [];
      const identity = {
        generateToken() {
          const token = luco.issueToken(300);
          handed.push(token.token);
          return token;
        },
      };
      const observer = new ParkitObserver({ url: t.server.url, adminKey: t.adminKey });
      const wrongKey = new ParkitObserver({ url: t.server.url, adminKey: `${t.adminKey}x` });
      const viaIdentity = new LucoClient({
        url: luco.url,
        identity,
        log: (entry) => logged.push(JSON.stringify(entry)),
      });
      const viaAzure = new LucoClient({
        url: luco.url,
        azure: {
          tenantId: 'tenant-1',
          clientId: 'app',
          clientSecret: secret,
          resourceId: 'api://luco',
          tokenUrl: luco.tokenUrl,
        },
        log: (entry) => logged.push(JSON.stringify(entry)),
      });
      const wrongSecret = new LucoClient({
        url: luco.url,
        azure: {
          tenantId: 'tenant-1',
          clientId: 'app',
          clientSecret: `${secret}-wrong`,
          resourceId: 'api://luco',
          tokenUrl: luco.tokenUrl,
        },
      });
      const errors: unknown[] = [
        await failure(() => wrongKey.listSequences()),
        await failure(() => observer.getSequence('nope')),
        await failure(() => observer.putSequence({ name: 'Bad Name' })),
        await failure(() =>
          new ParkitObserver({ url: 'http://127.0.0.1:9', adminKey: t.adminKey }).listSequences(),
        ),
        await failure(() => viaIdentity.findSlotId('t', { source: 'unknown' })),
        await failure(() => viaAzure.createSubmission(424_242)),
        await failure(() => wrongSecret.findSlotId('t', { source: 's' })),
      ];
      await viaIdentity.findSlotId('t', { source: 's' });
      luco.failNext(400, { title: 'Bad Request', detail: `echo Bearer ${handed.at(-1)}` });
      errors.push(await failure(() => viaIdentity.findSlotId('t', { source: 's' })));
      luco.failNext(400, { title: 'Bad Request', detail: `client secret ${secret} is not welcome here` });
      errors.push(await failure(() => viaAzure.findSlotId('t', { source: 's' })));
      const secrets = [t.adminKey, secret, `${secret}-wrong`, ...handed];
      expect(errors.length).toBe(9);
      expect(handed.length).toBeGreaterThan(0);
      for (const value of [...errors, observer, viaIdentity, viaAzure, logged.join('\n')]) {
        for (const text of renderings(value)) {
          for (const hidden of secrets) expect(text).not.toContain(hidden);
        }
      }
    } finally {
      await t.stop();
      await luco.close();
    }
  });
});

describe('secrets never leak from the flows client', () => {
  it('admin key, ingestion URLs and Par tokens stay out of flows, errors, logs and renderings', async () => {
    const { startFlowServer } = await import('../flows/helpers.js');
    const { ParkitFlows } = await import('../../src/index.js');
    const logged: string[] = [];
    const t = await startFlowServer({ log: (entry) => logged.push(JSON.stringify(entry)) });
    try {
      const flows = new ParkitFlows({ url: t.base.server.url, adminKey: t.base.adminKey });
      const wrongKey = new ParkitFlows({ url: t.base.server.url, adminKey: `${t.base.adminKey}x` });
      const signed = `https://feed.example/daily.csv?X-Amz-Signature=${SIGNATURE}`;
      const par = await t.base.admin.createPar({
        bucket: 'src',
        key: 'feed.csv',
        permissions: ['read'],
        expires: { hours: 1 },
        recipients: [await flows.flowRecipient()],
      });
      const token = par.toToken();
      const ingest = (source: { url?: string; par?: string }, bucket = 'src') =>
        flows.createFlow({
          name: 'feed',
          policy: 'ingestion',
          intervalSeconds: 3600,
          ingestion: { ...source, bucket, key: 'feed.csv' },
        });
      const created = [await ingest({ url: signed }), await flows.getFlow('feed')];
      await flows.deleteFlow('feed');
      created.push(await ingest({ par: token }), ...(await flows.listFlows()).items);
      const errors: unknown[] = [
        await failure(() => wrongKey.listFlows()),
        await failure(() => flows.getFlow('nope')),
        await failure(() => ingest({ url: signed }, 'nowhere')),
        await failure(() => ingest({ par: token })),
        await failure(() => ingest({ url: `ftp://feed.example/x?X-Amz-Signature=${SIGNATURE}` })),
        await failure(() => ingest({ par: signed })),
        await failure(() =>
          new ParkitFlows({ url: 'http://127.0.0.1:9', adminKey: t.base.adminKey }).listData(),
        ),
      ];
      const secrets = [t.base.adminKey, SIGNATURE, token.slice(10, 60)];
      expect(errors.length).toBe(7);
      for (const value of [...errors, ...created, flows, logged.join('\n')]) {
        for (const text of renderings(value)) {
          for (const hidden of secrets) expect(text).not.toContain(hidden);
        }
      }
    } finally {
      await t.stop();
    }
  });
});

describe('secrets never leak from the compute service or its runner', () => {
  it('tokens, URLs, job identities, keys and host paths stay out of jobs, logs, errors and renderings', async () => {
    const { startComputeServer } = await import('../compute/helpers.js');
    const { ArgumentError, JobError, QuotaError } = await import('../../src/index.js');
    const logged: string[] = [];
    const t = await startComputeServer({ log: (entry) => logged.push(JSON.stringify(entry)) });
    try {
      const { par, runner } = await t.runner({
        calculation: 'crash',
        inputs: { data: { bucket: 'data', prefix: 'in/' } },
        maxRuns: 1,
      });
      const url = await par.url(t.identity);
      const token = new URL(url).pathname.split('/')[2] as string;
      const job = await runner.start();
      const final = await job.wait();
      // The crash fixture put its grant's URL, its identity and its path into every channel.
      const hostPaths = [process.cwd(), t.dataDir, join(import.meta.dirname, '..')];
      const secrets = [t.adminKey, token, token.slice(0, 30), url, t.identity];
      const errors: unknown[] = [
        await failure(() => job.result()),
        await failure(() => runner.start()),
        await failure(() => runner.start({ nope: 1 })),
        await failure(() => runner.job('0'.repeat(32)).status()),
      ];
      expect(errors[0]).toBeInstanceOf(JobError);
      expect(errors[1]).toBeInstanceOf(QuotaError);
      expect(errors[2]).toBeInstanceOf(ArgumentError);
      await t.admin.closePar(par);
      errors.push(await failure(() => job.status()));
      const logs = await t.admin.listJobs();
      const everything = [
        ...errors,
        runner,
        job,
        par,
        final,
        await failure(() => job.logs()),
        logs,
        logged.join('\n'),
      ];
      // The crash job's log, read by the operator.
      const answer = await fetch(`${t.server.url}/admin/v1/jobs/${job.id}/logs`, {
        headers: { authorization: `Bearer ${t.adminKey}` },
      });
      const logText = await answer.text();
      expect(logText).toContain('my grant is http://127.0.0.1:');
      for (const value of [...everything, logText]) {
        for (const text of renderings(value)) {
          for (const secret of secrets) expect(text).not.toContain(secret);
          expect(text).not.toMatch(/AGE-SECRET-KEY-1[0-9A-Z]{20}/);
        }
        // Host paths: none in what the service said (a local error's own stack names local files).
        const said =
          value instanceof Error
            ? [value.message, JSON.stringify(value)]
            : [String(value), JSON.stringify(value)];
        for (const text of said) for (const path of hostPaths) expect(text).not.toContain(path);
      }
      expect(logged.some((line) => line.includes('/p/…/n/parkit/c/crash/jobs'))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});

describe('secrets never leak from the flows engine', () => {
  it('ingestion URLs, ingestion Par tokens, the flow identity and the admin key stay out of every answer', async () => {
    const { startFlowServer } = await import('../flows/helpers.js');
    const { readFile, readdir } = await import('node:fs/promises');
    const logged: string[] = [];
    const t = await startFlowServer({ log: (entry) => logged.push(JSON.stringify(entry)) });
    try {
      const recipient = (await t.api('GET', 'flow-recipient')).body.recipient as string;
      const par = await t.base.admin.createPar({
        bucket: 'src',
        key: 'missing.txt',
        permissions: ['read'],
        expires: { hours: 1 },
        recipients: [recipient],
      });
      const token = par.toToken();
      // The refusing server echoes the request URL (with its signature) in its body.
      const feed = `${base}/500/feed.csv?X-Amz-Signature=${SIGNATURE}`;
      const answers: unknown[] = [
        await t.api('POST', 'flows', {
          name: 'leaky-url',
          policy: 'ingestion',
          ingestion: { url: feed, bucket: 'src', key: 'feed.csv' },
          retry: { maxAttempts: 1 },
        }),
        await t.api('POST', 'flows', {
          name: 'leaky-par',
          policy: 'ingestion',
          ingestion: { par: token, bucket: 'src', key: 'copy.txt' },
          retry: { maxAttempts: 1 },
        }),
        await t.api('POST', 'flows', {
          name: 'bad-par',
          policy: 'ingestion',
          ingestion: { par: `${token.slice(0, -4)}AAAA`, bucket: 'src', key: 'copy.txt' },
        }),
      ];
      for (const name of ['leaky-url', 'leaky-par']) answers.push(await t.api('POST', `flows/${name}/run`));
      await t.idle();
      for (const path of [
        'flows',
        'flows/leaky-url',
        'flows/leaky-par/runs',
        'provenance',
        'data',
        'flow-recipient',
      ])
        answers.push(await t.api('GET', path));
      const runs = (await t.api('GET', 'provenance')).body.items as { state: string; error?: string }[];
      expect(runs.map((run) => run.state)).toEqual(['failed', 'failed']);
      // Find the stored flow identity to prove it is never shown.
      const find = async (dir: string): Promise<string | undefined> => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) {
            const found = await find(path);
            if (found !== undefined) return found;
          } else if (dir.endsWith('flow-identity')) return path;
        }
        return undefined;
      };
      const stored = await find(t.base.dataDir);
      expect(stored).toBeDefined();
      const identity = JSON.parse(await readFile(stored as string, 'utf8')).identity as string;
      expect(identity).toMatch(/^AGE-SECRET-KEY-/);
      const secrets = [t.base.adminKey, token, token.slice(0, 30), SIGNATURE, identity];
      for (const value of [...answers, logged.join('\n')]) {
        for (const text of renderings(value)) {
          for (const secret of secrets) expect(text).not.toContain(secret);
        }
      }
    } finally {
      await t.stop();
    }
  });
});
