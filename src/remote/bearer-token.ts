/**
 * Keeping a bearer token for a remote service: one token request at a time however many calls
 * wait for it, the held token reused while at least `renewBefore` seconds of its life remain (on
 * the injected clock), and a new one after the service refuses the held one. Where the token
 * comes from (a login, a client-credentials grant, the caller's identity) is the owner's.
 *
 * The token lives in a private field only.
 *
 * @internal
 * @module
 */
import type { DateTime } from 'luxon';
import { type Clock, readClock } from '../par/expiry.js';

/** A token and, when known, when it stops working. */
export interface HeldToken {
  readonly token: string;
  /** Undefined when the service does not say: the token is then used until it is refused. */
  readonly expires: DateTime | undefined;
}

/** Holds one service's bearer token. */
export class BearerToken {
  readonly #obtain: (signal: AbortSignal | undefined) => Promise<HeldToken>;
  readonly #now: Clock;
  readonly #renewBefore: number;
  #held: HeldToken | undefined;
  #pending: Promise<HeldToken> | undefined;

  /**
   * @param obtain - gets a new token
   * @param now - clock for expiry
   * @param renewBefore - seconds of remaining life below which a token is renewed
   */
  constructor(
    obtain: (signal: AbortSignal | undefined) => Promise<HeldToken>,
    now: Clock,
    renewBefore: number,
  ) {
    this.#obtain = obtain;
    this.#now = now;
    this.#renewBefore = renewBefore;
  }

  /** Whether a token is held with at least `renewBefore` seconds of life left (or no known expiry). */
  isFresh(): boolean {
    const held = this.#held;
    if (held === undefined) return false;
    if (held.expires === undefined) return true;
    return held.expires.toMillis() - readClock(this.#now).toMillis() >= this.#renewBefore * 1000;
  }

  /** The token held now, if any (for the owner's list of values no message may contain). */
  current(): string | undefined {
    return this.#held?.token;
  }

  /**
   * A usable token: the held one while fresh, else a new one.
   *
   * @param signal - cancels a token request this call starts
   */
  async token(signal?: AbortSignal): Promise<string> {
    if (this.isFresh()) return (this.#held as HeldToken).token;
    return (await this.#obtainOnce(signal)).token;
  }

  /**
   * A token to retry with after `stale` was refused: a new one, unless another call has
   * already replaced `stale`.
   *
   * @param stale - the token the service refused
   * @param signal - cancels the token request
   */
  async renew(stale: string, signal?: AbortSignal): Promise<string> {
    if (this.#held !== undefined && this.#held.token !== stale && this.isFresh()) return this.#held.token;
    if (this.#held?.token === stale) this.#held = undefined;
    return (await this.#obtainOnce(signal)).token;
  }

  /**
   * Drop the held token and get a new one now.
   *
   * @param signal - cancels the token request
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    this.#held = undefined;
    await this.#obtainOnce(signal);
  }

  #obtainOnce(signal: AbortSignal | undefined): Promise<HeldToken> {
    this.#pending ??= this.#obtain(signal).then(
      (held) => {
        this.#held = held;
        this.#pending = undefined;
        return held;
      },
      (error: unknown) => {
        this.#pending = undefined;
        throw error;
      },
    );
    return this.#pending;
  }
}
