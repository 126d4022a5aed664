/**
 * HMAC-SHA256 signing with the derived SigV4 signing key, cached per credential scope
 * (date, region, service): deriving it costs four HMACs, signing with the cached key one.
 *
 * @internal
 * @module
 */
import { type _HMAC, hmac } from '@noble/hashes/hmac.js';
import { type _SHA256, sha256 } from '@noble/hashes/sha2.js';
import { toHex } from './hex.js';
import type { SigningScheme } from './scheme.js';
import { utf8View } from './utf8.js';

type Mac = _HMAC<_SHA256>;

const encoder = new TextEncoder();
// Scopes kept at once: a long-lived issuer crosses midnight, rarely more.
const MAX_CACHED_SCOPES = 8;

/** Signs strings to sign with an HMAC secret (AWS secret access key, GCS HMAC secret). */
export class HmacSigner {
  readonly #secret: Uint8Array;
  readonly #terminator: string;
  readonly #keys = new Map<string, Mac>();
  readonly #out = new Uint8Array(32);
  #work: Mac | undefined;
  // The MAC state after the head of the last string to sign (see signParts).
  #head = '';
  #afterHead: Mac | undefined;

  /**
   * @param scheme - which family's key prefix and scope terminator to use
   * @param secret - the secret (kept in a private field, never shown)
   */
  constructor(scheme: SigningScheme, secret: string) {
    this.#secret = encoder.encode(scheme.keyPrefix + secret);
    this.#terminator = scheme.terminator;
  }

  /**
   * The keyed MAC for one scope: kSigning = HMAC(HMAC(HMAC(HMAC(prefix + secret, date), region),
   * service), terminator).
   */
  #keyFor(date: string, region: string, service: string): Mac {
    const scope = `${date}/${region}/${service}`;
    let mac = this.#keys.get(scope);
    if (mac === undefined) {
      let key = hmac(sha256, this.#secret, encoder.encode(date));
      key = hmac(sha256, key, encoder.encode(region));
      key = hmac(sha256, key, encoder.encode(service));
      key = hmac(sha256, key, encoder.encode(this.#terminator));
      mac = hmac.create(sha256, key) as Mac;
      if (this.#keys.size >= MAX_CACHED_SCOPES) this.#keys.delete(this.#keys.keys().next().value as string);
      this.#keys.set(scope, mac);
    }
    return mac;
  }

  /**
   * The hex signature of a string to sign.
   *
   * @param stringToSign - the string to sign
   * @param date - the scope date, `YYYYMMDD`
   * @param region - the scope region
   * @param service - the scope service
   * @returns 64 lower-case hex digits
   */
  sign(stringToSign: string, date: string, region: string, service: string): string {
    const work = this.#keyFor(date, region, service)._cloneInto(this.#work);
    this.#work = work;
    work.update(utf8View(stringToSign)).digestInto(this.#out);
    return toHex(this.#out);
  }

  /**
   * The hex signature of `head + rest`, reusing the MAC state after `head` while it stays the
   * same (a pre-signer's head — algorithm, time, scope — changes once a second), which saves a
   * SHA-256 block per signature.
   *
   * @param head - the string to sign's first lines, ending in `\n`, with the scope of `date`, `region`, `service`
   * @param rest - the rest (the canonical request's hash)
   * @param date - the scope date, `YYYYMMDD`
   * @param region - the scope region
   * @param service - the scope service
   * @returns 64 lower-case hex digits
   */
  signParts(head: string, rest: string, date: string, region: string, service: string): string {
    let afterHead = this.#afterHead;
    if (head !== this.#head || afterHead === undefined) {
      afterHead = this.#keyFor(date, region, service)._cloneInto(afterHead);
      afterHead.update(utf8View(head));
      this.#afterHead = afterHead;
      this.#head = head;
    }
    const work = afterHead._cloneInto(this.#work);
    this.#work = work;
    work.update(utf8View(rest)).digestInto(this.#out);
    return toHex(this.#out);
  }
}
