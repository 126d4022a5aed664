/**
 * No URL, signature, token or key ever appears in an error message, in `toString`, in
 * `JSON.stringify` or in `util.inspect` output — of any Par form or any error the core produces.
 * This test provokes every failure path the core has and searches every rendering of the result.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
