/**
 * age identities and recipients: what a holder keeps secret (`AGE-SECRET-KEY-1…`) and what they
 * hand out (`age1…`), or a shared passphrase.
 *
 * @module
 */
import * as age from 'age-encryption';

/**
 * Someone a Par's secret is sealed to: an age recipient string (`age1…`, including post-quantum
 * `age1pq1…`), or a passphrase (which must then be the only recipient, as the age spec requires).
 */
export type Recipient = string | PassphraseRecipient;

/** A passphrase recipient; `workFactor` is scrypt's log2(N), 18 by default as in age. */
export interface PassphraseRecipient {
  readonly passphrase: string;
  readonly workFactor?: number;
}

/** What opens a sealed secret: an age identity string (`AGE-SECRET-KEY-1…`) or a passphrase. */
export type Identity = string | { readonly passphrase: string };

/**
 * Generate a new X25519 age identity (readable by every age implementation).
 *
 * @returns the secret identity, `AGE-SECRET-KEY-1…`; keep it private
 * @example
 * ```ts
 * const identity = await generateIdentity();
 * const recipient = await identityToRecipient(identity); // share this one
 * ```
 */
export function generateIdentity(): Promise<string> {
  return age.generateX25519Identity();
}

/**
 * The public recipient of an identity.
 *
 * @param identity - an `AGE-SECRET-KEY-1…` (or `AGE-SECRET-KEY-PQ-1…`) identity
 * @returns the `age1…` recipient to seal to
 * @throws TypeError if `identity` is not a valid age identity
 */
export async function identityToRecipient(identity: string): Promise<string> {
  checkIdentityString(identity);
  try {
    return await age.identityToRecipient(identity);
  } catch {
    throw new TypeError('identity is not a valid age identity');
  }
}

/**
 * Validate an identity argument.
 *
 * @param identity - the candidate
 * @throws TypeError without echoing the value
 */
export function checkIdentity(identity: Identity): void {
  if (typeof identity === 'object' && identity !== null) {
    if (typeof identity.passphrase !== 'string' || identity.passphrase.length === 0) {
      throw new TypeError('identity.passphrase must be a non-empty string');
    }
    return;
  }
  checkIdentityString(identity);
}

function checkIdentityString(identity: unknown): void {
  if (typeof identity !== 'string' || !/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(identity)) {
    throw new TypeError('identity must be an age identity (AGE-SECRET-KEY-1…) or { passphrase }');
  }
}

/**
 * Validate a recipient list: non-empty, each an `age1…` string or a passphrase, a passphrase
 * alone. Duplicates are dropped.
 *
 * @param recipients - the candidates
 * @returns the list to seal to
 * @throws TypeError or RangeError naming the problem
 */
export function checkRecipients(recipients: readonly Recipient[]): Recipient[] {
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw new RangeError('recipients must be a non-empty array');
  }
  const unique = new Map<string, Recipient>();
  for (const [index, recipient] of recipients.entries()) {
    if (typeof recipient === 'string') {
      if (!/^age1[0-9a-z]+$/.test(recipient)) {
        throw new TypeError(`recipients[${index}] must be an age recipient (age1…) or { passphrase }`);
      }
      unique.set(recipient, recipient);
    } else if (typeof recipient === 'object' && recipient !== null) {
      if (typeof recipient.passphrase !== 'string' || recipient.passphrase.length === 0) {
        throw new TypeError(`recipients[${index}].passphrase must be a non-empty string`);
      }
      const { workFactor } = recipient;
      if (workFactor !== undefined && (!Number.isInteger(workFactor) || workFactor < 10 || workFactor > 22)) {
        throw new RangeError(`recipients[${index}].workFactor must be an integer from 10 to 22`);
      }
      unique.set(`\0passphrase:${unique.size}`, recipient);
    } else {
      throw new TypeError(`recipients[${index}] must be an age recipient (age1…) or { passphrase }`);
    }
  }
  const list = [...unique.values()];
  if (list.some((r) => typeof r !== 'string') && list.length > 1) {
    throw new RangeError('recipients: a passphrase must be the only recipient (age format rule)');
  }
  return list;
}
