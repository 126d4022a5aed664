/**
 * Shared test fixtures: identities made once per file, a settable clock, and a quick Par factory.
 */
import { DateTime } from 'luxon';
import {
  type CreateParOptions,
  generateIdentity,
  identityToRecipient,
  Par,
  type Target,
} from '../../src/index.js';

/** A clock the test moves by hand. */
export function manualClock(start = '2026-11-22T12:00:00.000Z') {
  let now = DateTime.fromISO(start, { zone: 'utc' });
  return {
    now: () => now,
    set(iso: string) {
      now = DateTime.fromISO(iso, { zone: 'utc' });
    },
    advance(seconds: number) {
      now = now.plus({ milliseconds: Math.round(seconds * 1000) });
    },
  };
}

/** A fresh identity with its recipient. */
export async function keyPair() {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** A secret that looks like a real signed URL. */
export const SIGNED_URL =
  'https://bucket.s3.example.com/reports/q3.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=9f1c2e0d7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa00112233';

/** Mint a read Par for one object with sensible defaults. */
export function makePar<T extends Target = { kind: 'object'; key: string }>(
  recipient: string,
  overrides: Partial<CreateParOptions<T>> = {},
): Promise<Par<T>> {
  return Par.create<T>({
    url: SIGNED_URL,
    driver: 'https',
    target: { kind: 'object', key: 'reports/q3.csv' } as unknown as T,
    permissions: ['read'],
    expires: { hours: 1 },
    recipients: [recipient],
    ...overrides,
  });
}
