/**
 * Getting the Luco client's bearer token: from the caller's identity or an Azure
 * client-credentials grant; `BearerToken` keeps it (one token request at a time, renewed once
 * fewer than `renewBeforeSeconds` of its life remain — LucoPy's 30 s buffer, on the injected
 * clock — and after the API answers 401).
 *
 * The token and the client secret live in private fields only.
 *
 * @internal
 * @module
 */
import type { DateTime } from 'luxon';
import { toBase64 } from '../../par/encoding.js';
import { FormatError } from '../../par/errors.js';
import { type Clock, readClock, toUtc } from '../../par/expiry.js';
import { BearerToken, type HeldToken } from '../../remote/bearer-token.js';
import { jsonBody, send, type Transport } from '../../remote/transport.js';
import type { LucoAzureCredentials, LucoIdentity } from './options.js';
import { lucoRefusal } from './refusal.js';

const encoder = new TextEncoder();

/** Where tokens come from. */
export type TokenSource = { readonly identity: LucoIdentity } | { readonly azure: LucoAzureCredentials };

/** The default Azure AD token endpoint of a tenant. */
export function azureTokenUrl(tenantId: string): string {
  return `https://login.microsoftonline.com/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

/** Keeps the Luco client's bearer token. */
export class LucoTokenKeeper {
  readonly #source: TokenSource;
  readonly #tokenUrl: string | undefined;
  readonly #transport: Transport;
  readonly #now: Clock;
  readonly #bearer: BearerToken;

  /**
   * @param source - identity or Azure credentials (checked by the client)
   * @param tokenUrl - the Azure token endpoint (checked by the client)
   * @param transport - fetch and timeout
   * @param now - clock for expiry
   * @param renewBefore - seconds of remaining life at which a token is renewed
   */
  constructor(
    source: TokenSource,
    tokenUrl: string | undefined,
    transport: Transport,
    now: Clock,
    renewBefore: number,
  ) {
    this.#source = source;
    this.#tokenUrl = tokenUrl;
    this.#transport = transport;
    this.#now = now;
    this.#bearer = new BearerToken((signal) => this.#obtain(signal), now, renewBefore);
  }

  /** Whether a token is held with at least `renewBefore` seconds of life left. */
  isFresh(): boolean {
    return this.#bearer.isFresh();
  }

  /**
   * A usable token: the held one while fresh, else a new one.
   *
   * @param signal - cancels a token request this call starts
   */
  token(signal?: AbortSignal): Promise<string> {
    return this.#bearer.token(signal);
  }

  /**
   * A token to retry with after `stale` was refused: a new one, unless another call has
   * already replaced it.
   *
   * @param stale - the refused token
   * @param signal - cancels the token request
   */
  renew(stale: string, signal?: AbortSignal): Promise<string> {
    return this.#bearer.renew(stale, signal);
  }

  /** Values no message or log may contain. */
  secrets(): string[] {
    const held = this.#bearer.current();
    const values = held === undefined ? [] : [held];
    return 'azure' in this.#source ? [...values, this.#source.azure.clientSecret] : values;
  }

  async #obtain(signal: AbortSignal | undefined): Promise<HeldToken> {
    if ('identity' in this.#source) {
      const generated = (await this.#source.identity.generateToken()) as unknown;
      const [token, expires] = Array.isArray(generated)
        ? generated
        : [
            (generated as { token?: unknown } | null)?.token,
            (generated as { expires?: unknown } | null)?.expires,
          ];
      if (typeof token !== 'string' || token === '') {
        throw new TypeError('identity.generateToken() must give a non-empty token');
      }
      if (expires === undefined || expires === null) {
        throw new TypeError('identity.generateToken() must give the expiry of its token');
      }
      return { token, expires: toUtc(expires as DateTime, 'the expiry from identity.generateToken()') };
    }
    // LucoPy's ServicePrinciple: client-credentials grant, HTTP Basic `client_id:client_secret`,
    // form body with the API's `/.default` scope (Azure AD v2.0 endpoint).
    const { clientId, clientSecret, resourceId } = this.#source.azure;
    const url = this.#tokenUrl as string;
    const started = readClock(this.#now);
    const response = await send(
      this.#transport,
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${toBase64(encoder.encode(`${clientId}:${clientSecret}`))}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: `${resourceId}/.default`,
        }).toString(),
      },
      { action: 'token request', signal },
    );
    if (!response.ok) {
      throw await lucoRefusal(response, {
        action: 'token request',
        method: 'POST',
        url,
        secrets: this.secrets(),
      });
    }
    const body = (await jsonBody(response, 'token request', 'Luco')) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    const token = body?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new FormatError('the Luco token request answered without an access_token', {
        field: 'access_token',
      });
    }
    const lifetime = Number(body.expires_in);
    if (!Number.isFinite(lifetime) || lifetime <= 0) {
      throw new FormatError('the Luco token request answered without a valid expires_in', {
        field: 'expires_in',
      });
    }
    return { token, expires: started.plus({ seconds: lifetime }) };
  }
}
