/**
 * Authorised calls to the Stoa API: the bearer token fetched lazily, and exactly one
 * re-authentication when the service answers 401 (the Python client never renews).
 *
 * @internal
 * @module
 */

import { jsonBody, send, type Transport } from '../remote/transport.js';
import type { TokenKeeper } from './auth.js';
import { refusal } from './errors.js';

/** Authorised JSON calls to the Stoa API. */
export class StoaSession {
  readonly #keeper: TokenKeeper;
  readonly #transport: Transport;

  /**
   * @param keeper - the token keeper
   * @param transport - fetch and timeout
   */
  constructor(keeper: TokenKeeper, transport: Transport) {
    this.#keeper = keeper;
    this.#transport = transport;
  }

  /**
   * `GET url` with the bearer token; on a 401, authenticate again once and retry once.
   *
   * @param url - the API URL with its query
   * @param action - what is being done, for messages
   * @param signal - cancellation
   * @returns the parsed JSON body of the 2xx answer
   * @throws RemoteServiceError for a refusal (status, method, redacted URL, service message);
   *   FormatError for a body that is not JSON; TransferError for a network failure
   */
  async getJson(url: string, action: string, signal?: AbortSignal): Promise<unknown> {
    let token = await this.#keeper.token(signal);
    let response = await this.#get(url, token, action, signal);
    if (response.status === 401) {
      await response.body?.cancel();
      token = await this.#keeper.renew(token, signal);
      response = await this.#get(url, token, action, signal);
    }
    if (!response.ok) {
      throw await refusal(response, { action, method: 'GET', url, secrets: this.#keeper.secrets() });
    }
    return jsonBody(response, action, 'Stoa');
  }

  #get(url: string, token: string, action: string, signal: AbortSignal | undefined): Promise<Response> {
    return send(
      this.#transport,
      url,
      { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
      { action, signal },
    );
  }
}
