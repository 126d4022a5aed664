/**
 * Property tests: round trips, and that no single-byte change to a token or to sealed data,
 * and no change to the metadata, ever yields a different Par that opens.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isParkitError, Par, type Permission, type Target } from '../../src/index.js';
import { keyPair } from '../helpers/fixtures.js';

let alice: Awaited<ReturnType<typeof keyPair>>;
let bob: Awaited<ReturnType<typeof keyPair>>;
beforeAll(async () => {
  [alice, bob] = await Promise.all([keyPair(), keyPair()]);
});

const OPEN_FAILURES = new Set(['PARKIT_TAMPERED', 'PARKIT_DECRYPTION_FAILED', 'PARKIT_INVALID_FORMAT']);
const keyText = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: keys with control characters are invalid by design
  .filter((s) => !/[\u0000-\u001f\u007f]/.test(s));

const grant = fc.oneof(
  fc.record({
    target: fc.record({ kind: fc.constant('object' as const), key: keyText }),
    permissions: fc.subarray(['read', 'write', 'delete'] as Permission[], { minLength: 1 }),
  }),
  fc.record({
    target: fc.record(
      {
        kind: fc.constant('bucket' as const),
        bucket: fc.stringMatching(/^[a-z0-9-]{3,20}$/),
        prefix: keyText,
      },
      { requiredKeys: ['kind'] },
    ),
    permissions: fc.subarray(['read', 'write', 'list', 'delete'] as Permission[], { minLength: 1 }),
  }),
  fc.record({
    target: fc.record({
      kind: fc.constant('calculation' as const),
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,19}$/),
    }),
    permissions: fc.constant(['execute'] as Permission[]),
  }),
);

const parInput = fc.record({
  grant,
  url: fc.webUrl({ withQueryParameters: true }),
  driver: fc.constantFrom('parkit', 's3', 'azure', 'gcs', 'oci', 'stoa', 'https', 'file' as const),
  seconds: fc.integer({ min: 3600, max: 7 * 24 * 3600 }),
  name: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: undefined }),
});

type ParInput = typeof parInput extends fc.Arbitrary<infer T> ? T : never;

async function mint(input: ParInput) {
  return Par.create({
    url: input.url,
    driver: input.driver,
    target: input.grant.target as Target,
    permissions: input.grant.permissions,
    expires: { seconds: input.seconds },
    recipients: [alice.recipient],
    ...(input.name === undefined ? {} : { name: input.name }),
  });
}

/** Open a possibly-damaged Par: the URL if it opens, else the error code. */
async function openOutcome(build: () => Par): Promise<{ url?: string; code?: string; fingerprint?: string }> {
  let par: Par;
  try {
    par = build();
  } catch (error) {
    if (isParkitError(error, 'PARKIT_INVALID_FORMAT')) return { code: error.code };
    throw error;
  }
  try {
    return { url: await par.url(alice.identity), fingerprint: par.fingerprint() };
  } catch (error) {
    if (isParkitError(error)) return { code: error.code };
    throw error;
  }
}

describe('properties', () => {
  it('round-trips any valid Par through data (as JSON text) and token', async () => {
    await fc.assert(
      fc.asyncProperty(parInput, async (input) => {
        const par = await mint(input);
        const viaData = Par.fromData(JSON.parse(JSON.stringify(par.toData())));
        const viaToken = Par.fromToken(par.toToken());
        for (const back of [viaData, viaToken]) {
          expect(back.toJSON()).toEqual(par.toJSON());
          expect(await back.url(alice.identity)).toBe(input.url);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('turns any single-character change of a token into an error, never a different Par', async () => {
    await fc.assert(
      fc.asyncProperty(
        parInput,
        fc.nat(),
        fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz234567'),
        async (input, at, char) => {
          const token = (await mint(input)).toToken();
          const index = 4 + (at % (token.length - 4));
          fc.pre(token[index] !== char);
          const damaged = token.slice(0, index) + char + token.slice(index + 1);
          const outcome = await openOutcome(() => Par.fromToken(damaged));
          expect(outcome.code).toBeDefined();
          expect(OPEN_FAILURES.has(outcome.code as string)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('turns any single-byte change of the sealed secret into a decryption, tamper or format error', async () => {
    await fc.assert(
      fc.asyncProperty(parInput, fc.nat(), fc.integer({ min: 1, max: 255 }), async (input, at, flip) => {
        const par = await mint(input);
        const data = par.toData() as { json: { sealed: string } };
        const sealed = Uint8Array.from(atob(data.json.sealed), (c) => c.charCodeAt(0));
        const index = at % sealed.length;
        sealed[index] = (sealed[index] as number) ^ flip;
        data.json.sealed = btoa(String.fromCharCode(...sealed));
        const outcome = await openOutcome(() => Par.fromData(data));
        expect(OPEN_FAILURES.has(outcome.code as string)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('turns any single-byte change of the data JSON text into an error, or the very same Par', async () => {
    await fc.assert(
      fc.asyncProperty(parInput, fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), async (input, at, code) => {
        const par = await mint(input);
        const text = JSON.stringify(par.toData());
        const index = at % text.length;
        fc.pre(text.charCodeAt(index) !== code);
        const damaged = text.slice(0, index) + String.fromCharCode(code) + text.slice(index + 1);
        let parsed: unknown;
        try {
          parsed = JSON.parse(damaged);
        } catch {
          return; // no longer JSON: the caller's JSON layer reports it
        }
        const outcome = await openOutcome(() => Par.fromData(parsed));
        if (outcome.code !== undefined) expect(OPEN_FAILURES.has(outcome.code)).toBe(true);
        else {
          expect(outcome.url).toBe(input.url);
          expect(outcome.fingerprint).toBe(par.fingerprint());
        }
      }),
      { numRuns: 200 },
    );
  });

  it('detects any change of the metadata as tampering, although the fields stay readable', async () => {
    const changes: Record<string, (json: Record<string, unknown>) => void> = {
      expires: (json) => (json.expires = '2099-01-01T00:00:00.000Z'),
      permissions: (json) => {
        const target = json.target as Target;
        json.permissions =
          target.kind === 'calculation'
            ? ['execute']
            : target.kind === 'bucket'
              ? ['read', 'write', 'list', 'delete']
              : ['read', 'write', 'delete'];
      },
      driver: (json) => (json.driver = json.driver === 's3' ? 'gcs' : 's3'),
      uid: (json) => (json.uid = '00000000-0000-4000-8000-000000000000'),
      target: (json) => {
        const target = json.target as Record<string, string>;
        if (target.kind === 'object') target.key = `${target.key}x`;
        else if (target.kind === 'bucket') target.bucket = 'other-bucket';
        else target.name = `${target.name}x`;
      },
      name: (json) => (json.name = 'renamed'),
    };
    await fc.assert(
      fc.asyncProperty(parInput, fc.constantFrom(...Object.keys(changes)), async (input, field) => {
        const par = await mint(input);
        const data = JSON.parse(JSON.stringify(par.toData()));
        const before = JSON.stringify(data.json);
        changes[field]?.(data.json);
        fc.pre(JSON.stringify(data.json) !== before);
        const changed = Par.fromData(data);
        expect(changed.fingerprint()).not.toBe(par.fingerprint());
        await expect(changed.url(alice.identity)).rejects.toMatchObject({ code: 'PARKIT_TAMPERED' });
      }),
      { numRuns: 80 },
    );
  });

  it('never opens with an identity it was not sealed to', async () => {
    await fc.assert(
      fc.asyncProperty(parInput, async (input) => {
        const par = await mint(input);
        await expect(par.url(bob.identity)).rejects.toMatchObject({ code: 'PARKIT_DECRYPTION_FAILED' });
      }),
      { numRuns: 40 },
    );
  });
});
