/**
 * Shared pieces of the transfer tests: Pars for loopback URLs, fast retry settings with a
 * recording sleep (no real waiting), and a test dialect that speaks the object store's simple
 * parts protocol through `send()`, the way the S3 and Azure dialects do.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialectContext } from '../../src/access/dialects/dialect.js';
import { signedUrlObject } from '../../src/access/dialects/signed-url.js';
import type { ObjectEndpoint, PartLimits, PartUploader } from '../../src/access/endpoint.js';
import { send, statFromHeaders } from '../../src/access/http.js';
import { ObjectWriter } from '../../src/access/object-writer.js';
import type { AccessOptions } from '../../src/access/options.js';
import { type BucketTarget, type Driver, Par, type Permission } from '../../src/index.js';
import { platformFetch } from '../../src/platform/http-client.js';
import { keyPair } from '../helpers/fixtures.js';

export const keys = await keyPair();

/** A temporary directory. */
export function temporaryDirectory(name = 'parkit-transfer-'): Promise<string> {
  return mkdtemp(join(tmpdir(), name));
}

/** Retry settings that never really wait; `delays` records every wait asked for. */
export function fastRetries(extra: AccessOptions = {}): AccessOptions & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    timeout: 2_000,
    ...extra,
    retry: {
      baseDelay: 1,
      maxDelay: 4,
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...extra.retry,
    },
  };
}

/** An object Par for `url`. */
export function objectPar(url: string, permissions: Permission[] = ['read', 'write'], driver: Driver = 's3') {
  return Par.create({
    url,
    driver,
    target: { kind: 'object', key: new URL(url).pathname.slice(1) },
    permissions,
    expires: { hours: 1 },
    recipients: [keys.recipient],
  });
}

/** A bucket Par for a web directory URL (the https dialect). */
export function directoryPar(url: string, prefix?: string) {
  return Par.create<BucketTarget>({
    url,
    driver: 'https',
    target: prefix === undefined ? { kind: 'bucket' } : { kind: 'bucket', prefix },
    permissions: ['read', 'list'],
    expires: { hours: 1 },
    recipients: [keys.recipient],
  });
}

/** Limits small enough for tests. */
export const TEST_LIMITS: PartLimits = { minPartSize: 1024, maxPartSize: 1024 * 1024, maxParts: 1000 };

/**
 * The test dialect's object endpoint: a signed-url object plus the store's parts protocol.
 *
 * @param url - the object URL on the store (or the proxy)
 * @param context - transport
 */
export function partsObject(url: string, context: DialectContext, limits = TEST_LIMITS): ObjectEndpoint {
  const at = (query: string) => `${url}?${query}`;
  const parts: PartUploader = {
    limits,
    async begin(request) {
      const started = await send(context, at('uploads'), {
        method: 'POST',
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      const { uploadId } = (await started.json()) as { uploadId: string };
      const id = encodeURIComponent(uploadId);
      return {
        async uploadPart(partNumber, body, options) {
          const response = await send(context, at(`uploadId=${id}&partNumber=${partNumber}`), {
            method: 'PUT',
            body: body as BodyInit,
            ...(options.signal === undefined ? {} : { signal: options.signal }),
          });
          await response.body?.cancel();
          return {
            partNumber,
            etag: (response.headers.get('etag') ?? '').replace(/"/g, ''),
            size: body.length,
          };
        },
        async complete(list, options) {
          const response = await send(
            context,
            at(`uploadId=${id}`),
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ parts: list.map(({ partNumber, etag }) => ({ partNumber, etag })) }),
              ...(options.signal === undefined ? {} : { signal: options.signal }),
            },
            { idempotent: true },
          );
          const { etag } = (await response.json()) as { etag: string };
          return {
            ...statFromHeaders(response.headers),
            etag,
            size: list.reduce((sum, part) => sum + part.size, 0),
          };
        },
        async abort(options) {
          const response = await send(context, at(`uploadId=${id}`), {
            method: 'DELETE',
            ...(options.signal === undefined ? {} : { signal: options.signal }),
          });
          await response.body?.cancel();
        },
      };
    },
  };
  return { ...signedUrlObject(url, context), parts };
}

/** An ObjectWriter on the test parts dialect. */
export async function partsWriter(url: string, options: AccessOptions) {
  const par = await objectPar(url);
  const context: DialectContext = { par, fetch: platformFetch, options };
  return new ObjectWriter(par, partsObject(url, context), options);
}
