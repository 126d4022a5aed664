/**
 * A local Stoa-compatible server for tests and benchmarks, following PROTOCOLS.md §1 (read from
 * grasp-labs/ds-stoa): rest login, OAuth2 client-credentials token (HTTP Basic, form body), order
 * (bearer token, the eight query parameters, Python-style `True`/`False`), sign (one key →
 * `{url}`), and the data lake those URLs point at. Signed URLs carry SigV4-shaped query
 * parameters (`X-Amz-Date`, `X-Amz-Expires`, `X-Amz-Signature`) that the lake really checks:
 * an HMAC over key, date and lifetime, and expiry against the server's clock.
 *
 * Status codes as the service answers: 401 bad or missing credentials, 403 missing
 * entitlement (and S3-style 403 for bad or expired signatures), 404 unknown key, 415 wrong body
 * type, 422 bad parameters (FastAPI-style `detail` list).
 *
 * Stoa has no public server to run, so this is a protocol double (DESIGN.md decision 7).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What identifies a product (the order's query parameters less paging). */
export interface Product {
  productGroupName: string;
  productName: string;
  workspace: 'apps' | 'cart';
  ownerId: string;
  version: string;
}

/** A recorded request (headers lower-cased). */
export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

/** How the server behaves. */
export interface StoaServerOptions {
  /** E-mail → password of the users `rest` login accepts. */
  users?: Record<string, string>;
  /** Client id → secret of the OAuth2 clients. */
  clients?: Record<string, string>;
  /** The server's clock, epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** Seconds a token lives (default 3600). */
  tokenLifetime?: number;
  /** `X-Amz-Expires` of signed URLs, seconds (default 900). */
  urlLifetime?: number;
  /** `sigv4`: X-Amz-* parameters (default); `plain`: only an opaque `token` parameter, no expiry in the URL. */
  signing?: 'sigv4' | 'plain';
  /** Milliseconds the lake waits before answering a download (simulated first-byte latency). */
  latency?: number;
}

interface Dataset {
  product: Product;
  keys: string[];
  /** Principals (e-mail or client id) entitled to it; undefined = everyone. */
  allowed: Set<string> | undefined;
}

/** A running server with its controls. */
export interface StoaServer {
  /** Base URL, e.g. `http://127.0.0.1:PORT`. */
  readonly base: string;
  /** The four endpoint URLs, for `StoaClient`'s `urls` option. */
  readonly urls: { login: string; token: string; order: string; sign: string };
  /** Every request, in arrival order. */
  readonly requests: Recorded[];
  /** Counters. */
  readonly stats: {
    logins: number;
    grants: number;
    orders: number;
    signs: number;
    downloads: number;
    maxSignsInFlight: number;
  };
  /** Publish a product's files; `allowed` restricts who may order and sign them. */
  addDataset(product: Product, files: Record<string, Uint8Array>, allowed?: readonly string[]): void;
  /** Make downloads of `key` fail with `status` (S3-style XML body). */
  failDownload(key: string, status: number): void;
  /** Break the connection half-way through every download of `key`. */
  truncateDownload(key: string): void;
  /** Answer sign requests for `key` with `{}` (no url). */
  omitUrl(key: string): void;
  /** Refuse every bearer token (logins still work) — a persistent 401. */
  rejectTokens(reject: boolean): void;
  /** Hold sign answers until `count` sign requests are in flight (or 5 s pass). */
  gateSigns(count: number): void;
  /** Mint a token for a principal directly (what an identity broker would hand out). */
  issueToken(principal: string): { token: string; expires: number };
  /** Stop the server. */
  close(): Promise<void>;
}

const JSON_TYPE = { 'content-type': 'application/json' };

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { ...JSON_TYPE, ...headers });
  response.end(JSON.stringify(body));
}

function invalid(response: ServerResponse, field: string, msg: string): void {
  send(response, 422, { detail: [{ loc: ['query', field], msg, type: 'value_error' }] });
}

function s3Error(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function sameText(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
}

/**
 * Start a Stoa-compatible server on an ephemeral loopback port.
 *
 * @param options - users, clients, clock, lifetimes, signing style, latency
 */
export async function startStoaServer(options: StoaServerOptions = {}): Promise<StoaServer> {
  const users = options.users ?? {};
  const clients = options.clients ?? {};
  const now = options.now ?? Date.now;
  const tokenLifetime = options.tokenLifetime ?? 3600;
  const urlLifetime = options.urlLifetime ?? 900;
  const signing = options.signing ?? 'sigv4';
  const secret = randomBytes(32);
  const tokens = new Map<string, { principal: string; expires: number }>();
  const datasets: Dataset[] = [];
  const files = new Map<string, { bytes: Uint8Array; dataset: Dataset }>();
  const failures = new Map<string, number>();
  const noUrl = new Set<string>();
  const truncated = new Set<string>();
  const requests: Recorded[] = [];
  const stats = { logins: 0, grants: 0, orders: 0, signs: 0, downloads: 0, maxSignsInFlight: 0 };
  let tokensRejected = false;
  let gate = 0;
  let signsInFlight = 0;
  let waiting: Array<() => void> = [];
  let base = '';

  const mint = (principal: string) => {
    const token = randomBytes(24).toString('hex');
    const expires = now() + tokenLifetime * 1000;
    tokens.set(token, { principal, expires });
    return { token, expires };
  };

  const mac = (...parts: string[]) => createHmac('sha256', secret).update(parts.join('\n')).digest('hex');

  // The bearer check of the API endpoints (DRF wording).
  const principalOf = (request: IncomingMessage, response: ServerResponse): string | undefined => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (match === null) {
      send(response, 401, { detail: 'Authentication credentials were not provided.' });
      return undefined;
    }
    const held = tokens.get(match[1] as string);
    if (tokensRejected || held === undefined || held.expires <= now()) {
      send(response, 401, { detail: 'Given token not valid for any token type' });
      return undefined;
    }
    return held.principal;
  };

  const login = async (request: IncomingMessage, response: ServerResponse) => {
    if (!/^application\/json/.test(request.headers['content-type'] ?? ''))
      return send(response, 415, { detail: 'Unsupported media type in request.' });
    let body: { email?: unknown; password?: unknown };
    try {
      body = JSON.parse(await readBody(request));
    } catch {
      return send(response, 400, { detail: 'JSON parse error' });
    }
    if (typeof body.email !== 'string' || typeof body.password !== 'string')
      return send(response, 400, { non_field_errors: ['Must include "email" and "password".'] });
    const expected = users[body.email];
    if (expected === undefined || !sameText(expected, body.password))
      return send(response, 401, { non_field_errors: ['Unable to log in with provided credentials.'] });
    stats.logins++;
    send(response, 200, { access_token: mint(body.email).token });
  };

  const grant = async (request: IncomingMessage, response: ServerResponse) => {
    if (!/^application\/x-www-form-urlencoded/.test(request.headers['content-type'] ?? ''))
      return send(response, 415, { error: 'invalid_request', error_description: 'form body expected' });
    const form = new URLSearchParams(await readBody(request));
    if (form.get('grant_type') !== 'client_credentials')
      return send(response, 400, { error: 'unsupported_grant_type' });
    const basic = /^Basic (\S+)$/.exec(request.headers.authorization ?? '');
    const decoded = basic === null ? '' : Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = decoded.slice(0, colon);
    const expected = colon < 0 ? undefined : clients[id];
    if (expected === undefined || !sameText(expected, decoded.slice(colon + 1)))
      return send(response, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="api"' });
    stats.grants++;
    send(response, 200, { access_token: mint(id).token, token_type: 'Bearer', expires_in: tokenLifetime });
  };

  const order = (request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => {
    const principal = principalOf(request, response);
    if (principal === undefined) return;
    const names = [
      'product_group_name',
      'product_name',
      'workspace',
      'owner_id',
      'version',
      'offset',
      'limit',
      'ascending',
    ];
    for (const name of names) if (!query.get(name)) return invalid(response, name, 'field required');
    const workspace = query.get('workspace') as string;
    if (workspace !== 'apps' && workspace !== 'cart')
      return invalid(response, 'workspace', "must be 'apps' or 'cart'");
    if (!/^\d+\.\d+$/.test(query.get('version') as string))
      return invalid(response, 'version', 'must look like 1.0');
    const offset = Number(query.get('offset'));
    if (!/^\d+$/.test(query.get('offset') as string))
      return invalid(response, 'offset', 'must be an integer >= 0');
    const limit = Number(query.get('limit'));
    if (!/^\d+$/.test(query.get('limit') as string) || limit < 1 || limit > 20)
      return invalid(response, 'limit', 'must be an integer from 1 to 20');
    const ascending = query.get('ascending');
    // Python's requests renders booleans as True/False; the service parses exactly that.
    if (ascending !== 'True' && ascending !== 'False')
      return invalid(response, 'ascending', 'must be True or False');
    const dataset = datasets.find(
      ({ product }) =>
        product.productGroupName === query.get('product_group_name') &&
        product.productName === query.get('product_name') &&
        product.workspace === workspace &&
        product.ownerId === query.get('owner_id') &&
        product.version === query.get('version'),
    );
    if (dataset?.allowed !== undefined && !dataset.allowed.has(principal))
      return send(response, 403, { detail: 'You do not have permission to perform this action.' });
    stats.orders++;
    const keys = [...(dataset?.keys ?? [])].sort();
    if (ascending === 'False') keys.reverse();
    send(response, 200, keys.slice(offset, offset + limit));
  };

  const releaseSigns = () => {
    const ready = waiting;
    waiting = [];
    for (const release of ready) release();
  };

  const sign = async (request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => {
    const principal = principalOf(request, response);
    if (principal === undefined) return;
    const key = query.get('key');
    if (!key) return invalid(response, 'key', 'field required');
    const file = files.get(key);
    if (file === undefined) return send(response, 404, { detail: 'Not found.' });
    if (file.dataset.allowed !== undefined && !file.dataset.allowed.has(principal))
      return send(response, 403, { detail: 'You do not have permission to perform this action.' });
    signsInFlight++;
    stats.maxSignsInFlight = Math.max(stats.maxSignsInFlight, signsInFlight);
    if (gate > 0) {
      if (signsInFlight >= gate) releaseSigns();
      else
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          setTimeout(resolve, 5000).unref();
        });
    }
    stats.signs++;
    signsInFlight--;
    if (noUrl.has(key)) return send(response, 200, {});
    const path = `/lake/${encodeURIComponent(key)}`;
    if (signing === 'plain') return send(response, 200, { url: `${base}${path}?token=${mac('plain', key)}` });
    const date = amzDate(now());
    const params = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `STOATESTKEY/${date.slice(0, 8)}/eu-north-1/s3/aws4_request`,
      'X-Amz-Date': date,
      'X-Amz-Expires': String(urlLifetime),
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': mac('GET', key, date, String(urlLifetime)),
    });
    send(response, 200, { url: `${base}${path}?${params}` });
  };

  const lake = async (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    query: URLSearchParams,
  ) => {
    const key = decodeURIComponent(path.slice('/lake/'.length));
    const file = files.get(key);
    if (signing === 'plain') {
      if (!sameText(query.get('token') ?? '', mac('plain', key)))
        return s3Error(response, 403, 'AccessDenied', 'Access Denied');
    } else {
      const date = query.get('X-Amz-Date') ?? '';
      const expires = query.get('X-Amz-Expires') ?? '';
      if (
        !sameText(
          query.get('X-Amz-Signature') ?? '',
          mac(request.method === 'HEAD' ? 'GET' : (request.method ?? ''), key, date, expires),
        )
      )
        return s3Error(
          response,
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided.',
        );
      const signedAt = parseAmzDate(date);
      if (signedAt === undefined || !/^\d+$/.test(expires) || signedAt + Number(expires) * 1000 <= now())
        return s3Error(response, 403, 'AccessDenied', 'Request has expired');
    }
    if (file === undefined) return s3Error(response, 404, 'NoSuchKey', 'The specified key does not exist.');
    const failure = failures.get(key);
    if (failure !== undefined)
      return s3Error(
        response,
        failure,
        failure === 403 ? 'AccessDenied' : 'InternalError',
        'Injected failure',
      );
    if (options.latency) await new Promise((resolve) => setTimeout(resolve, options.latency));
    stats.downloads++;
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(file.bytes.length),
      etag: `"${createHash('md5').update(file.bytes).digest('hex')}"`,
    });
    if (truncated.has(key) && request.method !== 'HEAD') {
      response.write(file.bytes.subarray(0, file.bytes.length >> 1), () => response.destroy());
      return;
    }
    response.end(request.method === 'HEAD' ? undefined : file.bytes);
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stoa.test');
    requests.push({
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers },
    });
    const route = `${request.method} ${url.pathname}`;
    const handle = async () => {
      if (route === 'POST /rest-auth/login/') return login(request, response);
      if (route === 'POST /oauth/token/') return grant(request, response);
      if (route === 'GET /api/stoa-dev/v2/order/') return order(request, response, url.searchParams);
      if (route === 'GET /api/stoa-dev/v2/sign/') return sign(request, response, url.searchParams);
      if ((request.method === 'GET' || request.method === 'HEAD') && url.pathname.startsWith('/lake/'))
        return lake(request, response, url.pathname, url.searchParams);
      send(response, 404, { detail: 'Not found.' });
    };
    handle().catch(() => {
      if (!response.headersSent) send(response, 500, { detail: 'server error' });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    urls: {
      login: `${base}/rest-auth/login/`,
      token: `${base}/oauth/token/`,
      order: `${base}/api/stoa-dev/v2/order/`,
      sign: `${base}/api/stoa-dev/v2/sign/`,
    },
    requests,
    stats,
    addDataset(product, content, allowed) {
      const dataset: Dataset = {
        product,
        keys: Object.keys(content),
        allowed: allowed === undefined ? undefined : new Set(allowed),
      };
      datasets.push(dataset);
      for (const [key, bytes] of Object.entries(content)) files.set(key, { bytes, dataset });
    },
    failDownload(key, status) {
      failures.set(key, status);
    },
    truncateDownload(key) {
      truncated.add(key);
    },
    omitUrl(key) {
      noUrl.add(key);
    },
    rejectTokens(reject) {
      tokensRejected = reject;
    },
    gateSigns(count) {
      gate = count;
    },
    issueToken: mint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
