import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExpiredError } from '../../src/index.js';
import { keyPair, makePar, manualClock, SIGNED_URL } from '../helpers/fixtures.js';

let keys: Awaited<ReturnType<typeof keyPair>>;
beforeAll(async () => {
  keys = await keyPair();
});

async function parExpiringIn(seconds: number) {
  const clock = manualClock();
  const par = await makePar(keys.recipient, { now: clock.now, expires: { seconds } });
  return { par, clock };
}

describe('secondsRemaining', () => {
  it('subtracts the 30 s buffer by default', async () => {
    const { par } = await parExpiringIn(100);
    expect(par.secondsRemaining()).toBe(70);
    expect(par.secondsRemaining({ buffer: 0 })).toBe(100);
    expect(par.secondsRemaining({ buffer: 99.5 })).toBe(0.5);
  });

  it('never goes below 0', async () => {
    const { par, clock } = await parExpiringIn(100);
    clock.advance(75);
    expect(par.secondsRemaining()).toBe(0);
    clock.advance(1000);
    expect(par.secondsRemaining({ buffer: 0 })).toBe(0);
  });

  it('is exactly 0 at expiry with buffer 0, and at expiry minus buffer', async () => {
    const { par, clock } = await parExpiringIn(100);
    clock.advance(100);
    expect(par.secondsRemaining({ buffer: 0 })).toBe(0);
    const second = await parExpiringIn(100);
    second.clock.advance(70);
    expect(second.par.secondsRemaining()).toBe(0);
  });

  it('rejects a negative or non-finite buffer with a RangeError naming it', async () => {
    const { par } = await parExpiringIn(100);
    expect(() => par.secondsRemaining({ buffer: -1 })).toThrow(/buffer/);
    expect(() => par.secondsRemaining({ buffer: -1 })).toThrow(RangeError);
    expect(() => par.secondsRemaining({ buffer: Number.NaN })).toThrow(RangeError);
    expect(() => par.secondsRemaining({ buffer: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe('url() and the safety buffer', () => {
  it('opens while more than the buffer remains', async () => {
    const { par, clock } = await parExpiringIn(100);
    clock.advance(69.999);
    await expect(par.url(keys.identity)).resolves.toBe(SIGNED_URL);
  });

  it('refuses with ExpiredError once no more than the buffer remains (exactly 30 s left is refused)', async () => {
    const { par, clock } = await parExpiringIn(100);
    clock.advance(70);
    expect(par.isExpired()).toBe(true);
    await expect(par.url(keys.identity)).rejects.toBeInstanceOf(ExpiredError);
  });

  it('with buffer 0 works until the instant of expiry, and not at it', async () => {
    const { par, clock } = await parExpiringIn(100);
    clock.advance(99.999);
    await expect(par.url(keys.identity, { buffer: 0 })).resolves.toBe(SIGNED_URL);
    clock.advance(0.001);
    await expect(par.url(keys.identity, { buffer: 0 })).rejects.toMatchObject({ code: 'PARKIT_EXPIRED' });
  });

  it('refuses an already-expired Par decoded from a token, using the injected clock', async () => {
    const { par } = await parExpiringIn(100);
    const { Par } = await import('../../src/index.js');
    const later = () => par.expires.plus({ seconds: 1 });
    const decoded = Par.fromToken(par.toToken(), { now: later });
    await expect(decoded.url(keys.identity)).rejects.toBeInstanceOf(ExpiredError);
    expect(decoded.secondsRemaining({ buffer: 0 })).toBe(0);
  });
});

describe('expires input', () => {
  it('accepts a DateTime, a Date, epoch milliseconds and durations, stored in UTC', async () => {
    const clock = manualClock();
    const at = DateTime.fromISO('2026-11-22T15:30:00+02:00', { setZone: true });
    const forms = [at, at.toJSDate(), at.toMillis(), { hours: 1.5 }, { minutes: 90 }];
    for (const expires of forms) {
      const par = await makePar(keys.recipient, { now: clock.now, expires });
      expect(par.expires.toISO()).toBe('2026-11-22T13:30:00.000Z');
      expect(par.expires.zoneName).toBe('UTC');
    }
  });

  it('rejects an expiry in the past or now, and nonsense', async () => {
    const clock = manualClock();
    await expect(makePar(keys.recipient, { now: clock.now, expires: clock.now() })).rejects.toThrow(
      RangeError,
    );
    await expect(makePar(keys.recipient, { now: clock.now, expires: { seconds: -5 } })).rejects.toThrow(
      RangeError,
    );
    await expect(makePar(keys.recipient, { now: clock.now, expires: 'tomorrow' as never })).rejects.toThrow(
      TypeError,
    );
    await expect(makePar(keys.recipient, { now: clock.now, expires: new Date(Number.NaN) })).rejects.toThrow(
      TypeError,
    );
    await expect(
      makePar(keys.recipient, { now: clock.now, expires: { fortnights: 1 } as never }),
    ).rejects.toThrow(TypeError);
  });
});
