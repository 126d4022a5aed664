/**
 * What a {@link StoaClient} is configured with: the product to order, how to authenticate, and
 * where the service lives (environment presets `dev` and `prod`, every URL overridable). Checked
 * once, when the client is made.
 *
 * @module
 */
import type { DateTime } from 'luxon';
import type { Clock } from '../par/expiry.js';

/** The Stoa deployments the Python client knows (PROTOCOLS §1). */
export type StoaEnvironment = 'dev' | 'prod';

/** Where the workspace lives on the service side. */
export type StoaWorkspace = 'apps' | 'cart';

/** The four service URLs a client talks to. */
export interface StoaUrls {
  /** `rest` authentication: `POST {email, password}` → `{access_token}`. */
  readonly login: string;
  /** `oauth2` authentication: client-credentials grant → `{access_token}`. */
  readonly token: string;
  /** The order endpoint: which object keys match the product. */
  readonly order: string;
  /** The sign endpoint: one pre-signed URL per key. */
  readonly sign: string;
}

/**
 * The service URLs of each environment, as the Python client (`ds-stoa`) uses them.
 *
 * @example
 * ```ts
 * STOA_ENVIRONMENTS.prod.order; // 'https://fmdp.io/api/stoa/v2/order/'
 * ```
 */
export const STOA_ENVIRONMENTS: Readonly<Record<StoaEnvironment, StoaUrls>> = Object.freeze({
  dev: Object.freeze({
    login: 'https://auth-dev.grasp-daas.com/rest-auth/login/',
    token: 'https://auth-dev.grasp-daas.com/oauth/token/',
    order: 'https://fmdp.io/api/stoa-dev/v2/order/',
    sign: 'https://fmdp.io/api/stoa-dev/v2/sign/',
  }),
  prod: Object.freeze({
    login: 'https://auth.grasp-daas.com/rest-auth/login/',
    token: 'https://auth.grasp-daas.com/oauth/token/',
    order: 'https://fmdp.io/api/stoa/v2/order/',
    sign: 'https://fmdp.io/api/stoa/v2/sign/',
  }),
});

/** A bearer token and when it stops working. */
export interface StoaToken {
  /** The bearer token. Treat it as a secret. */
  readonly token: string;
  /** When it expires: a luxon DateTime, a Date or epoch milliseconds. */
  readonly expires: DateTime | Date | number;
}

/**
 * Your own way of getting Stoa tokens (a vault, a workload identity, a token broker), as
 * LucoPy accepts any object with `generate_token()`. The client calls it when it needs a token,
 * again shortly before the token expires, and once more after a 401.
 */
export interface StoaIdentity {
  /** A fresh token and its expiry. */
  generateToken(): StoaToken | Promise<StoaToken>;
}

/** How to authenticate: e-mail and password, OAuth2 client credentials, or your own identity. */
export type StoaCredentials =
  | { readonly authentication: 'rest'; readonly email: string; readonly password: string }
  | { readonly authentication: 'oauth2'; readonly clientId: string; readonly clientSecret: string }
  | { readonly identity: StoaIdentity };

/** What to order: the seed's parameters. */
export interface StoaProduct {
  /** The product group. */
  readonly productGroupName: string;
  /** The product. */
  readonly productName: string;
  /** `apps` or `cart`. */
  readonly workspace: StoaWorkspace;
  /** The owner of the product. */
  readonly ownerId: string;
  /** The product version (default `"1.0"`). */
  readonly version?: string;
  /** Index of the first key to order (default 0). */
  readonly offset?: number;
  /** How many keys to order, 1 to 20 (default 20). */
  readonly limit?: number;
  /** Oldest first instead of newest first (default false). */
  readonly ascending?: boolean;
}

/** Where the service is and how the client reaches it. */
export interface StoaConnection {
  /** Preset URLs to start from (default `dev`, like the Python client). */
  readonly environment?: StoaEnvironment;
  /** Override any of the preset URLs (tests point them at a local server). */
  readonly urls?: Partial<StoaUrls>;
  /** The fetch to use (defaults to the global one). */
  readonly fetch?: typeof fetch;
  /** Clock for token renewal and Par expiry (defaults to the system clock). */
  readonly now?: Clock;
  /** Renew a token this many seconds before it expires (default 30, as LucoPy). */
  readonly renewBefore?: number;
  /** Give up waiting for an answer (status and headers) after this many milliseconds (default 60 000, as ds-stoa). */
  readonly timeout?: number;
}

/** Everything a {@link StoaClient} is made with. */
export type StoaClientOptions = StoaProduct & StoaCredentials & StoaConnection;

/** The part of an order a single call may change (paging through more than 20 keys). */
export interface StoaPage {
  readonly offset: number;
  readonly limit: number;
  readonly ascending: boolean;
}

/** The checked configuration. @internal */
export interface StoaSettings {
  readonly product: Required<Omit<StoaProduct, keyof StoaPage>>;
  readonly page: StoaPage;
  readonly credentials: StoaCredentials;
  readonly environment: StoaEnvironment;
  readonly urls: StoaUrls;
  readonly renewBefore: number;
  readonly timeout: number;
}

/** Longest limit the service accepts (ds-stoa: `0 < limit <= 20`). */
export const MAX_ORDER_LIMIT = 20;

function text(value: unknown, argument: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new TypeError(`${argument} must be a non-empty string`);
  return value;
}

function serviceUrl(value: unknown, argument: string): string {
  const checked = text(value, argument);
  let parsed: URL;
  try {
    parsed = new URL(checked);
  } catch {
    throw new TypeError(`${argument} must be an absolute http(s) URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new TypeError(`${argument} must be an absolute http(s) URL`);
  return parsed.href;
}

/**
 * Check paging parameters (ds-stoa: `offset >= 0`, `0 < limit <= 20`).
 *
 * @param page - offset, limit and order
 * @returns the same values, checked
 * @throws RangeError naming the bad parameter; TypeError for a non-boolean `ascending`
 */
export function checkPage(page: StoaPage): StoaPage {
  const { offset, limit, ascending } = page;
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new RangeError('offset must be an integer greater than or equal to 0');
  if (!Number.isSafeInteger(limit) || limit <= 0 || limit > MAX_ORDER_LIMIT)
    throw new RangeError(`limit must be an integer from 1 to ${MAX_ORDER_LIMIT}`);
  if (typeof ascending !== 'boolean') throw new TypeError('ascending must be a boolean');
  return { offset, limit, ascending };
}

function credentials(options: StoaClientOptions): StoaCredentials {
  const given = options as unknown as Partial<Record<string, unknown>>;
  if (given.identity !== undefined) {
    if (given.authentication !== undefined)
      throw new TypeError('give either authentication or identity, not both');
    const identity = given.identity as StoaIdentity;
    if (typeof identity !== 'object' || identity === null || typeof identity.generateToken !== 'function')
      throw new TypeError('identity must be an object with a generateToken() method');
    return Object.freeze({ identity });
  }
  switch (given.authentication) {
    case 'rest':
      return Object.freeze({
        authentication: 'rest',
        email: text(given.email, 'email'),
        password: text(given.password, 'password'),
      });
    case 'oauth2':
      return Object.freeze({
        authentication: 'oauth2',
        clientId: text(given.clientId, 'clientId'),
        clientSecret: text(given.clientSecret, 'clientSecret'),
      });
    default:
      throw new RangeError("authentication must be 'rest' or 'oauth2' (or give an identity)");
  }
}

function positive(value: number | undefined, fallback: number, argument: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new RangeError(`${argument} must be a ${allowZero ? 'non-negative' : 'positive'} finite number`);
  return value;
}

/**
 * Check a client's options once, at the public boundary.
 *
 * @param options - what the caller gave
 * @returns the frozen settings
 * @throws TypeError or RangeError naming the bad option (never echoing a credential)
 */
export function resolveSettings(options: StoaClientOptions): StoaSettings {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const workspace = options.workspace;
  if (workspace !== 'apps' && workspace !== 'cart')
    throw new RangeError("workspace must be 'apps' or 'cart'");
  const environment = options.environment ?? 'dev';
  if (environment !== 'dev' && environment !== 'prod')
    throw new RangeError("environment must be 'dev' or 'prod'");
  const preset = STOA_ENVIRONMENTS[environment];
  const overrides = options.urls ?? {};
  const urls: StoaUrls = Object.freeze({
    login: serviceUrl(overrides.login ?? preset.login, 'urls.login'),
    token: serviceUrl(overrides.token ?? preset.token, 'urls.token'),
    order: serviceUrl(overrides.order ?? preset.order, 'urls.order'),
    sign: serviceUrl(overrides.sign ?? preset.sign, 'urls.sign'),
  });
  return Object.freeze({
    product: Object.freeze({
      productGroupName: text(options.productGroupName, 'productGroupName'),
      productName: text(options.productName, 'productName'),
      workspace,
      ownerId: text(options.ownerId, 'ownerId'),
      version: text(options.version ?? '1.0', 'version'),
    }),
    page: Object.freeze(
      checkPage({
        offset: options.offset ?? 0,
        limit: options.limit ?? MAX_ORDER_LIMIT,
        ascending: options.ascending ?? false,
      }),
    ),
    credentials: credentials(options),
    environment,
    urls,
    renewBefore: positive(options.renewBefore, 30, 'renewBefore', true),
    timeout: positive(options.timeout, 60_000, 'timeout'),
  });
}
