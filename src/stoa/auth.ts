/**
 * Getting a Stoa bearer token: `rest` (e-mail and password), `oauth2` (client credentials, HTTP
 * Basic and a form body) or a caller's own identity; `BearerToken` keeps it (one authentication at
 * a time, renewed shortly before a known expiry and after the service answers 401).
 *
 * The token and the credentials live in private fields only: nothing here is logged or rendered.
 *
 * @internal
 * @module
 */
import { toBase64 } from '../par/encoding.js';
import { FormatError } from '../par/errors.js';
import { type Clock, readClock, toUtc } from '../par/expiry.js';
import { BearerToken, type HeldToken } from '../remote/bearer-token.js';
import { jsonBody, send, type Transport } from '../remote/transport.js';
import { refusal } from './errors.js';
import type { StoaCredentials, StoaUrls } from './options.js';

const encoder = new TextEncoder();

function accessToken(body: unknown, action: string): string {
  const token = (body as { access_token?: unknown } | null)?.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new FormatError(`Stoa ${action} answered without an access_token`, { field: 'access_token' });
  }
  return token;
}

/** Keeps the client's bearer token. */
export class TokenKeeper {
  readonly #credentials: StoaCredentials;
  readonly #urls: StoaUrls;
  readonly #transport: Transport;
  readonly #now: Clock;
  readonly #bearer: BearerToken;

  /**
   * @param credentials - how to authenticate
   * @param urls - where the login and token endpoints are
   * @param transport - fetch and timeout
   * @param now - clock for expiry
   * @param renewBefore - seconds before expiry at which a token counts as stale
   */
  constructor(
    credentials: StoaCredentials,
    urls: StoaUrls,
    transport: Transport,
    now: Clock,
    renewBefore: number,
  ) {
    this.#credentials = credentials;
    this.#urls = urls;
    this.#transport = transport;
    this.#now = now;
    this.#bearer = new BearerToken((signal) => this.#obtain(signal), now, renewBefore);
  }

  /** Which way this keeper authenticates. */
  get method(): 'rest' | 'oauth2' | 'identity' {
    return 'identity' in this.#credentials ? 'identity' : this.#credentials.authentication;
  }

  /** Whether a token is held that is not within `renewBefore` seconds of its expiry. */
  isFresh(): boolean {
    return this.#bearer.isFresh();
  }

  /**
   * A usable token: the held one while fresh, else a new one.
   *
   * @param signal - cancels a login this call starts
   */
  token(signal?: AbortSignal): Promise<string> {
    return this.#bearer.token(signal);
  }

  /**
   * A token to retry with after `stale` was refused: a new one, unless another request has
   * already replaced `stale`.
   *
   * @param stale - the token the service refused
   * @param signal - cancels the login
   */
  renew(stale: string, signal?: AbortSignal): Promise<string> {
    return this.#bearer.renew(stale, signal);
  }

  /**
   * Authenticate now, replacing any held token.
   *
   * @param signal - cancels the login
   */
  authenticate(signal?: AbortSignal): Promise<void> {
    return this.#bearer.refresh(signal);
  }

  /** Values no message may contain: the token and the credentials. */
  secrets(): string[] {
    const held = this.#bearer.current();
    const values = held === undefined ? [] : [held];
    const credentials = this.#credentials;
    if ('identity' in credentials) return values;
    if (credentials.authentication === 'rest') return [...values, credentials.password];
    return [...values, credentials.clientSecret];
  }

  async #obtain(signal: AbortSignal | undefined): Promise<HeldToken> {
    const credentials = this.#credentials;
    if ('identity' in credentials) {
      const generated = await credentials.identity.generateToken();
      const token = (generated as { token?: unknown } | null)?.token;
      if (typeof token !== 'string' || token === '')
        throw new TypeError('identity.generateToken() must return a non-empty token');
      return { token, expires: toUtc(generated.expires, 'the expiry from identity.generateToken()') };
    }
    const started = readClock(this.#now);
    if (credentials.authentication === 'rest') {
      // ds-stoa: POST JSON {email, password} to rest-auth/login/.
      const response = await send(
        this.#transport,
        this.#urls.login,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ email: credentials.email, password: credentials.password }),
        },
        { action: 'login', signal },
      );
      if (!response.ok) throw await this.#refused(response, 'login', this.#urls.login);
      return { token: accessToken(await jsonBody(response, 'login', 'Stoa'), 'login'), expires: undefined };
    }
    // ds-stoa: client-credentials grant, HTTP Basic `client_id:client_secret`, form body.
    const basic = toBase64(encoder.encode(`${credentials.clientId}:${credentials.clientSecret}`));
    const response = await send(
      this.#transport,
      this.#urls.token,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
      },
      { action: 'token request', signal },
    );
    if (!response.ok) throw await this.#refused(response, 'token request', this.#urls.token);
    const body = await jsonBody(response, 'token request', 'Stoa');
    const token = accessToken(body, 'token request');
    // RFC 6749 §5.1: `expires_in` is optional; without it the token is used until a 401.
    const lifetime = (body as { expires_in?: unknown }).expires_in;
    const expires =
      typeof lifetime === 'number' && Number.isFinite(lifetime) && lifetime > 0
        ? started.plus({ seconds: lifetime })
        : undefined;
    return { token, expires };
  }

  #refused(response: Response, action: string, url: string) {
    return refusal(response, { action, method: 'POST', url, secrets: this.secrets() });
  }
}
