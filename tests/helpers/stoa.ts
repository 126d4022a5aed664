/**
 * Shared set-up for the Stoa tests: one product, its credentials, a server publishing real
 * Parquet files, and a client factory pointed at it.
 */
import { StoaClient, type StoaClientOptions } from '../../src/index.js';
import { type StoaServer, type StoaServerOptions, startStoaServer } from '../servers/stoa.js';
import { type Codec, readings, writeReadings } from './parquet.js';

export const PRODUCT = {
  productGroupName: 'weather',
  productName: 'observations',
  workspace: 'apps',
  ownerId: 'team-42',
  version: '1.0',
} as const;

export const EMAIL = 'analyst@example.com';
export const PASSWORD = 'correct-horse-battery-staple';
export const CLIENT_ID = 'svc-reporting';
export const CLIENT_SECRET = 'cs_9c1b7e44a0f24d8bb5f6f1d1a3c2e7ab';

/** `count` files of `rowsPerFile` readings each, cycling through `codecs`; keys sort in file order. */
export function parquetFiles(count: number, rowsPerFile: number, codecs: readonly Codec[] = ['SNAPPY']) {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const codec = codecs[i % codecs.length] as Codec;
    files[`part-${String(i).padStart(4, '0')}.${codec.toLowerCase()}.parquet`] = writeReadings(
      readings(i * rowsPerFile, rowsPerFile),
      codec,
    );
  }
  return files;
}

/** A server with the test users and clients. */
export function stoaServer(options: StoaServerOptions = {}): Promise<StoaServer> {
  return startStoaServer({
    users: { [EMAIL]: PASSWORD },
    clients: { [CLIENT_ID]: CLIENT_SECRET },
    ...options,
  });
}

type Extra = Partial<Omit<StoaClientOptions, 'authentication' | 'identity'>> & Record<string, unknown>;

/** A `rest` client for the server (credentials and product may be overridden). */
export function restClient(server: StoaServer, extra: Extra = {}): StoaClient {
  return new StoaClient({
    authentication: 'rest',
    email: EMAIL,
    password: PASSWORD,
    ...PRODUCT,
    urls: server.urls,
    ...extra,
  } as StoaClientOptions);
}

/** An `oauth2` client for the server. */
export function oauthClient(server: StoaServer, extra: Extra = {}): StoaClient {
  return new StoaClient({
    authentication: 'oauth2',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    ...PRODUCT,
    urls: server.urls,
    ...extra,
  } as StoaClientOptions);
}
