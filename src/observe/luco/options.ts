/**
 * Options of the Luco export client: the API's base URL, and how to get bearer tokens — your
 * own identity object (LucoPy's `generate_token()`), or an Azure service principal (client
 * credentials, as LucoPy's `ServicePrinciple`).
 *
 * @module
 */
import type { DateTime } from 'luxon';
import type { Clock } from '../../par/expiry.js';

/** A bearer token and when it stops working. */
export interface LucoToken {
  /** The bearer token. Treat it as a secret. */
  readonly token: string;
  /** When it expires: a luxon DateTime, a Date or epoch milliseconds. */
  readonly expires: DateTime | Date | number;
}

/**
 * Your own way of getting Luco tokens (a vault, a workload identity, a token broker): any object
 * with `generateToken()`, as LucoPy accepts any object with `generate_token()`. It may answer
 * `{ token, expires }` or LucoPy's pair `[token, expires]`. It is called when a token is
 * needed, again once fewer than 30 s of its life remain, and after the API answers 401.
 */
export interface LucoIdentity {
  /** A fresh token and its expiry. */
  generateToken():
    | LucoToken
    | readonly [string, DateTime | Date | number]
    | Promise<LucoToken | readonly [string, DateTime | Date | number]>;
}

/** An Azure AD app registration (service principal) allowed to call the Luco API. */
export interface LucoAzureCredentials {
  /** Directory (tenant) id of the app registration. */
  readonly tenantId: string;
  /** Application (client) id. */
  readonly clientId: string;
  /** Its secret. */
  readonly clientSecret: string;
  /** Application (client) id of the app registration representing the Luco API (scope `{resourceId}/.default`). */
  readonly resourceId: string;
  /** The token endpoint (default `https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token`). */
  readonly tokenUrl?: string;
}

/** What one request was, for a log (never the token, never the query string). */
export interface LucoLogEntry {
  readonly method: string;
  /** The URL, redacted (no query string). */
  readonly url: string;
  readonly status: number;
  readonly durationMs: number;
  /** 2 when the request was repeated with a renewed token after a 401. */
  readonly attempt: number;
}

/** How to reach a Luco-compatible API. */
export interface LucoClientOptions {
  /** The API's base URL, e.g. `https://luco.example.org/api` (https; plain http only on loopback). */
  readonly url: string;
  /** Your own token source; or give `azure`. */
  readonly identity?: LucoIdentity;
  /** An Azure service principal; or give `identity`. */
  readonly azure?: LucoAzureCredentials;
  /** The fetch to use (defaults to the global one). */
  readonly fetch?: typeof fetch;
  /** Milliseconds before one request is abandoned (default 20 000, as LucoPy). */
  readonly timeout?: number;
  /** Clock for token expiry (default: the system clock). */
  readonly now?: Clock;
  /** Seconds before expiry at which a token is renewed (default 30, as LucoPy). */
  readonly renewBeforeSeconds?: number;
  /** Receives one entry per request (no token, no query string). */
  readonly log?: (entry: LucoLogEntry) => void;
}

/**
 * A slot sequence definition, as LucoPy takes it: `{ key: value, … }` (insertion order is the
 * parameter position) or a list of one-key objects `[{ key: value }, …]`.
 */
export type LucoSequenceDefinition =
  | Readonly<Record<string, string>>
  | readonly Readonly<Record<string, string>>[];

/** One parameter of a definition on the wire. */
export interface LucoDefinitionEntry {
  readonly position: number;
  readonly key: string;
  readonly value: string;
}

/**
 * A definition as the API takes it: `[{ position, key, value }]`.
 *
 * @param definition - a dict or a list of one-key objects
 * @throws TypeError for anything else (as LucoPy: "Slot sequence not defined correctly")
 */
export function definitionEntries(definition: LucoSequenceDefinition): LucoDefinitionEntry[] {
  if (typeof definition !== 'object' || definition === null) {
    throw new TypeError('the slot sequence definition must be an object or a list of one-key objects');
  }
  const pairs: [string, unknown][] = Array.isArray(definition)
    ? definition.map((item: unknown) => {
        const entries = typeof item === 'object' && item !== null ? Object.entries(item) : [];
        if (entries.length !== 1) {
          throw new TypeError('each item of a slot sequence definition list must be one { key: value }');
        }
        return entries[0] as [string, unknown];
      })
    : Object.entries(definition);
  if (pairs.length === 0)
    throw new TypeError('the slot sequence definition must have at least one parameter');
  return pairs.map(([key, value], position) => {
    if (key === '' || typeof value !== 'string') {
      throw new TypeError('slot sequence definition keys must be non-empty and values strings');
    }
    return { position, key, value };
  });
}
