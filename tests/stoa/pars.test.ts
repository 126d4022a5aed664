/**
 * Stoa's signed URLs as read-only Pars: expiry read from `X-Amz-Date` + `X-Amz-Expires` (or a
 * configured lifetime when the URL has neither), sealed to another team, handed over as a token
 * and read with ObjectReader by that team's identity from the local lake.
 */
import { inspect } from 'node:util';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, ExpiredError, FormatError, NotSupportedError, Par } from '../../src/index.js';
import { decodeRows } from '../../src/stoa/parquet.js';
import { keyPair, manualClock } from '../helpers/fixtures.js';
import { readings } from '../helpers/parquet.js';
import { PRODUCT, parquetFiles, restClient, stoaServer } from '../helpers/stoa.js';
import type { StoaServer } from '../servers/stoa.js';

const clock = manualClock('2026-11-22T12:00:00.000Z');
const files = parquetFiles(4, 25, ['SNAPPY', 'GZIP']);
const keys = Object.keys(files).sort();
let server: StoaServer;
let plain: StoaServer;
const [alice, bob] = await Promise.all([keyPair(), keyPair()]);

beforeAll(async () => {
  server = await stoaServer({ now: () => clock.now().toMillis(), urlLifetime: 900 });
  server.addDataset(PRODUCT, files);
  plain = await stoaServer({ signing: 'plain' });
  plain.addDataset(PRODUCT, files);
});
afterAll(async () => {
  await server.close();
  await plain.close();
});

describe('pars', () => {
  it('wraps each signed URL as a read-only stoa Par expiring with the URL', async () => {
    const client = restClient(server, { now: clock.now, ascending: true });
    const pars = await client.pars({ recipients: [bob.recipient] });
    expect(pars.map((par) => par.target)).toEqual(keys.map((key) => ({ kind: 'object', key })));
    for (const par of pars) {
      expect(par.driver).toBe('stoa');
      expect(par.permissions).toEqual(['read']);
      expect(par.created.toISO()).toBe('2026-11-22T12:00:00.000Z');
      expect(par.expires.toISO()).toBe('2026-11-22T12:15:00.000Z');
      expect(par.secondsRemaining({ buffer: 0 })).toBe(900);
      const shown = [String(par), JSON.stringify(par), inspect(par, { showHidden: true, depth: 10 })].join(
        '\n',
      );
      expect(shown).not.toMatch(/X-Amz-Signature|\/lake\//);
    }
  });

  it('hands a Par over as a token that only the recipient can read', async () => {
    const client = restClient(server, { now: clock.now, ascending: true });
    const [par] = await client.pars({
      recipients: [bob.recipient],
      signed: await client.sign({ keys: [keys[1] as string] }),
    });
    const token = (par as Par).toToken();

    const received = Par.fromToken(token, { now: clock.now });
    expect(received.fingerprint()).toBe(par?.fingerprint());
    await expect(received.url(alice.identity)).rejects.toThrow(DecryptionError);
    if (!received.isObject()) throw new Error('expected an object Par');
    const reader = await received.read(bob.identity);
    expect((await reader.stat()).size).toBe(files[keys[1] as string]?.length);
    const bytes = await reader.getObject();
    expect(bytes).toEqual(files[keys[1] as string]);
    const table = await decodeRows(bytes);
    expect(table.rows).toEqual(readings(25, 25));
    // A pre-signed URL cannot be revoked: close() says so rather than pretend.
    await expect(received.close(bob.identity)).rejects.toThrow(NotSupportedError);
  });

  it('stops being usable when the URL expires, before asking the lake', async () => {
    const client = restClient(server, { now: clock.now });
    const [par] = await client.pars({
      recipients: [bob.recipient],
      signed: await client.sign({ keys: [keys[0] as string] }),
    });
    const reader = await (par as Par<{ kind: 'object'; key: string }>).read(bob.identity);
    clock.advance(900 - 29); // 29 s left: inside the 30 s buffer
    const downloads = server.stats.downloads;
    await expect(reader.getObject()).rejects.toThrow(ExpiredError);
    expect(server.stats.downloads).toBe(downloads);
  });

  it('uses the configured lifetime when the URL carries no X-Amz window', async () => {
    const client = restClient(plain, { now: clock.now, limit: 2 });
    const [par] = await client.pars({ recipients: [bob.recipient], lifetime: { minutes: 10 } });
    expect(par?.expires.toMillis()).toBe(clock.now().plus({ minutes: 10 }).toMillis());
    const [byDefault] = await client.pars({ recipients: [bob.recipient] });
    expect(byDefault?.expires.toMillis()).toBe(clock.now().plus({ hours: 1 }).toMillis());
    const reader = await (byDefault as Par<{ kind: 'object'; key: string }>).read(bob.identity, {
      now: clock.now,
    });
    expect((await reader.getObject()).length).toBeGreaterThan(0);
  });

  it('refuses a URL that has already expired, naming its key', async () => {
    const client = restClient(server, { now: clock.now });
    const signed = await client.sign({ keys: [keys[2] as string] });
    clock.advance(901);
    const error = await client
      .pars({ recipients: [bob.recipient], signed })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExpiredError);
    expect((error as ExpiredError).message).toContain(`"${keys[2]}" has already expired`);
  });

  it('refuses a malformed X-Amz window rather than guessing', async () => {
    const client = restClient(server, { now: clock.now });
    const date = DateTime.utc().toFormat("yyyyMMdd'T'HHmmss'Z'");
    const cases: Array<[string, string]> = [
      [`https://lake.example/k?X-Amz-Date=${date}&X-Amz-Expires=soon&X-Amz-Signature=abc`, 'X-Amz-Expires'],
      [`https://lake.example/k?X-Amz-Date=${date}&X-Amz-Expires=604801&X-Amz-Signature=abc`, 'X-Amz-Expires'],
      ['https://lake.example/k?X-Amz-Expires=60&X-Amz-Signature=abc', 'X-Amz-Date'],
      ['https://lake.example/k?X-Amz-Date=2026-11-22&X-Amz-Expires=60&X-Amz-Signature=abc', 'X-Amz-Date'],
    ];
    for (const [url, field] of cases) {
      const error = await client
        .pars({ recipients: [bob.recipient], signed: { k: url } })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as FormatError).field).toBe(field);
      expect((error as FormatError).message).not.toContain('abc');
    }
  });
});
