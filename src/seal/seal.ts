/**
 * Sealing a secret in the age format (C2SP age v1) and opening it again. The ciphertext is a
 * standard age file: `age -d -i key.txt` opens it, and parkit opens what `age` sealed.
 *
 * @module
 */
import * as age from 'age-encryption';
import { DecryptionError, FormatError, TamperError } from '../par/errors.js';
import { checkIdentity, checkRecipients, type Identity, type Recipient } from './keys.js';

/** Largest secret accepted, in bytes of UTF-8. */
export const MAX_SECRET_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/**
 * Seal a secret to one or more recipients.
 *
 * @param secret - the URL or token to protect
 * @param recipients - `age1…` recipients, or one `{ passphrase }`
 * @returns the binary age file
 * @throws TypeError / RangeError for bad arguments (values are never echoed)
 * @example
 * ```ts
 * const sealed = await seal('https://example.com/object?sig=…', [recipient]);
 * ```
 */
export async function seal(secret: string, recipients: readonly Recipient[]): Promise<Uint8Array> {
  if (typeof secret !== 'string' || secret.length === 0)
    throw new TypeError('secret must be a non-empty string');
  if (encoder.encode(secret).length > MAX_SECRET_BYTES) {
    throw new RangeError(`secret must be at most ${MAX_SECRET_BYTES} bytes`);
  }
  const list = checkRecipients(recipients);
  const encrypter = new age.Encrypter();
  for (const recipient of list) {
    if (typeof recipient === 'string') {
      try {
        encrypter.addRecipient(recipient);
      } catch {
        throw new TypeError('recipients: not a valid age recipient');
      }
    } else {
      if (recipient.workFactor !== undefined) encrypter.setScryptWorkFactor(recipient.workFactor);
      encrypter.setPassphrase(recipient.passphrase);
    }
  }
  try {
    return await encrypter.encrypt(secret);
  } catch {
    // Invalid recipients (bad checksum, wrong length) only surface when wrapping the file key.
    throw new TypeError('recipients: not a valid age recipient');
  }
}

/**
 * Open a sealed secret: a binary age file, or one in age's ASCII armor (`age -a`).
 *
 * @param sealed - a binary age file, or its armored text
 * @param identity - an `AGE-SECRET-KEY-1…` identity or `{ passphrase }`
 * @returns the secret
 * @throws DecryptionError when the identity is not one it was sealed to; TamperError when the
 *   file was altered; FormatError when it is not an age file
 * @example
 * ```ts
 * const url = await openSealed(await seal(url, [recipient]), identity);
 * ```
 */
export async function openSealed(sealed: Uint8Array | string, identity: Identity): Promise<string> {
  checkIdentity(identity);
  if (typeof sealed === 'string') {
    try {
      sealed = age.armor.decode(sealed);
    } catch {
      throw new FormatError('sealed secret is not an armored age file', { field: 'sealed' });
    }
  }
  if (!(sealed instanceof Uint8Array) || sealed.length === 0) {
    throw new FormatError('sealed secret must be non-empty bytes', { field: 'sealed' });
  }
  const decrypter = new age.Decrypter();
  let plaintext: Uint8Array;
  try {
    if (typeof identity === 'string') decrypter.addIdentity(identity);
    else decrypter.addPassphrase(identity.passphrase);
    plaintext = await decrypter.decrypt(sealed);
  } catch (error) {
    const reason = error instanceof Error ? error.message : '';
    // A malformed identity fails deep inside decoding; tell it apart from a damaged file.
    if (typeof identity === 'string' && !(await isValidIdentity(identity))) {
      throw new TypeError('identity is not a valid age identity');
    }
    if (/no identity matched/.test(reason)) throw new DecryptionError();
    if (/invalid version|invalid header/.test(reason)) {
      throw new FormatError('sealed secret is not an age file', { field: 'sealed' });
    }
    throw new TamperError();
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    throw new TamperError('the sealed secret is not text');
  }
}

async function isValidIdentity(identity: string): Promise<boolean> {
  try {
    await age.identityToRecipient(identity);
    return true;
  } catch {
    return false;
  }
}
