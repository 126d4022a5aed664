/**
 * The key that signs access tokens: given (option or `PARKIT_SIGNING_KEY`, base64url, at least
 * 32 bytes), or created once and kept as a record in the store. Creation is a conditional
 * create, so replicas starting together on one shared store agree on one key.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { isParkitError } from '../../par/errors.js';
import { StoreError } from '../storage/errors.js';
import type { RecordStore } from '../storage/records.js';

interface KeyRecord {
  readonly v: 1;
  readonly key: string;
}

/**
 * Decode a signing key given as base64url text.
 *
 * @param text - the key text
 * @throws RangeError when it is not base64url of at least 32 bytes
 */
export function decodeSigningKey(text: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64url');
  if (!/^[A-Za-z0-9_-]+$/.test(trimmed) || bytes.length < 32) {
    throw new RangeError('the signing key must be base64url text of at least 32 bytes');
  }
  return bytes;
}

/**
 * The signing key from the store, created on first use.
 *
 * @param records - the record store
 */
export async function storedSigningKey(records: RecordStore): Promise<Uint8Array> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await records.get<KeyRecord>('config', 'signing-key');
    if (existing !== undefined) return decodeSigningKey(existing.value.key);
    try {
      const key = randomBytes(32);
      await records.create<KeyRecord>('config', 'signing-key', { v: 1, key: key.toString('base64url') });
      return key;
    } catch (error) {
      // Another replica created it first: read theirs.
      if (!(error instanceof StoreError && error.code === 'PRECONDITION_FAILED') && !isParkitError(error))
        throw error;
    }
  }
  throw new Error('could not create or read the signing key');
}
