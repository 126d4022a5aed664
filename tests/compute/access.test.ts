/**
 * Who may run what: executable Pars expire and can be revoked (by the operator or the holder);
 * bound arguments cannot be overridden, only settable ones can be set, and the calculation's
 * schema is enforced; tampered tokens, swapped paths and the wrong kind of Par are refused;
 * minting checks what it authorises; the run limit holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArgumentError,
  ExpiredError,
  isParkitError,
  NotFoundError,
  Par,
  PermissionError,
  QuotaError,
  RemoteServiceError,
  TamperError,
} from '../../src/index.js';
import { type ComputeServer, startComputeServer } from './helpers.js';

let offset = 0;
let s: ComputeServer;
beforeAll(async () => {
  s = await startComputeServer({ now: () => Date.now() + offset });
});
afterAll(() => s.stop());

async function refusal(
  run: () => Promise<unknown>,
): Promise<Error & { code?: string; context?: Record<string, unknown> }> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

function swapToken(url: string, change: (claims: Record<string, unknown>) => void): string {
  const parsed = new URL(url);
  const [, , token = ''] = parsed.pathname.split('/');
  const [payload = '', mac = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  change(claims);
  const forged = `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`;
  return url.replace(token, forged);
}

describe('executable Pars', () => {
  it('expire: refused by the holder before sending, and by the server by its own clock', async () => {
    const { par, runner } = await s.runner({
      calculation: 'echo',
      arguments: { label: 'x' },
      expires: { minutes: 2 },
    });
    expect((await (await runner.start()).result()) as object).toEqual({ args: { label: 'x', count: 1 } });
    // The holder's clock says it has expired: nothing is sent.
    const later = Par.fromToken(par.toToken(), { now: () => Date.now() + 3 * 60_000 });
    expect(await refusal(() => later.execute(s.identity))).toBeInstanceOf(ExpiredError);
    // The server's clock says so (the holder's does not): the server refuses.
    offset = 3 * 60_000;
    try {
      const error = await refusal(() => runner.start());
      expect(error).toBeInstanceOf(ExpiredError);
      expect(error.context?.serviceCode).toBe('PAR_EXPIRED');
      expect(await refusal(() => runner.jobs())).toBeInstanceOf(ExpiredError);
    } finally {
      offset = 0;
    }
  });

  it('are revoked by the operator or by their holder, for every route', async () => {
    const { par, runner } = await s.runner({ calculation: 'echo', arguments: { label: 'x' } });
    const job = await runner.start();
    await job.wait();
    await s.admin.closePar(par);
    for (const attempt of [
      () => runner.start(),
      () => runner.describe(),
      () => job.status(),
      () => job.logs(),
    ]) {
      const error = await refusal(attempt);
      expect(error).toBeInstanceOf(PermissionError);
      expect(error.context?.serviceCode).toBe('PAR_REVOKED');
    }
    const { par: other, runner: otherRunner } = await s.runner({
      calculation: 'echo',
      arguments: { label: 'y' },
    });
    await other.close(s.identity);
    expect((await refusal(() => otherRunner.start())).context?.serviceCode).toBe('PAR_REVOKED');
  });

  it('never let the holder override a bound argument or set one not made settable', async () => {
    const { runner } = await s.runner({
      calculation: 'echo',
      arguments: { label: 'fixed', count: 2 },
      settable: ['mode'],
    });
    const bound = await refusal(() => runner.start({ label: 'mine' }));
    expect(bound).toBeInstanceOf(ArgumentError);
    expect(bound).toMatchObject({ argument: 'label', code: 'PARKIT_ARGUMENT_REJECTED' });
    expect((bound as ArgumentError).context.serviceCode).toBe('ARGUMENT_BOUND');
    const notSettable = await refusal(() => runner.start({ tags: ['a'] }));
    expect(notSettable).toMatchObject({ argument: 'tags' });
    expect((notSettable as ArgumentError).context.serviceCode).toBe('ARGUMENT_NOT_SETTABLE');
    // What the holder may set, it sets; the bound values are what the calculation gets.
    expect(await (await runner.start({ mode: 'careful' })).result()).toEqual({
      args: { label: 'fixed', count: 2, mode: 'careful' },
    });
    // Extra fields in the request body change nothing: the grant is the server's record.
    const url = await (await s.runner({ calculation: 'echo', arguments: { label: 'fixed' } })).par.url(
      s.identity,
    );
    const response = await fetch(`${url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        bound: { label: 'evil' },
        settable: ['label'],
        execution: { bound: {} },
        arguments: {},
      }),
    });
    expect(response.status).toBe(201);
    const { job } = (await response.json()) as { job: { id: string } };
    const [found] = (await s.admin.listJobs()).filter((entry) => entry.id === job.id);
    expect(found?.allArguments).toEqual({ label: 'fixed', count: 1 });
  });

  it("reject arguments that break the calculation's schema, naming them", async () => {
    const { runner } = await s.runner({
      calculation: 'echo',
      settable: ['label', 'count', 'mode', 'tags', 'options'],
    });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{}, 'label', /label is required/],
      [{ label: 'ok', count: 'three' }, 'count', /must be integer/],
      [{ label: 'ok', count: 11 }, 'count', /at most 10/],
      [{ label: 'ok', count: 1.5 }, 'count', /must be integer/],
      [{ label: 'ok', mode: 'reckless' }, 'mode', /one of "fast", "careful"/],
      [{ label: 'NOT lower' }, 'label', /must match/],
      [{ label: 'x'.repeat(21) }, 'label', /at most 20 characters/],
      [{ label: 'ok', tags: ['a', 'b', 'c', 'd'] }, 'tags', /at most 3 items/],
      [{ label: 'ok', tags: [1] }, 'tags[0]', /must be string/],
      [{ label: 'ok', options: { deep: true, extra: 1 } }, 'options.extra', /not an argument/],
    ];
    for (const [args, argument, message] of cases) {
      const error = await refusal(() => runner.start(args));
      expect(error, JSON.stringify(args)).toBeInstanceOf(ArgumentError);
      expect((error as ArgumentError).argument).toBe(argument);
      expect(error.message).toMatch(message);
    }
    // Refused starts use no run.
    expect((await runner.describe()).runs.used).toBe(0);
    expect(
      await (await runner.start({ label: 'fine', tags: ['a'], options: { deep: false } })).result(),
    ).toEqual({
      args: { label: 'fine', count: 1, tags: ['a'], options: { deep: false } },
    });
  });

  it('refuse a tampered token, a swapped calculation and the wrong kind of Par', async () => {
    const { par } = await s.runner({ calculation: 'echo', arguments: { label: 'x' } });
    const url = await par.url(s.identity);
    const forged = [
      swapToken(url, (claims) => {
        claims.scope = { kind: 'calculation', name: 'slow' };
      }),
      swapToken(url, (claims) => {
        claims.expires = Date.now() + 86_400_000 * 365;
      }),
    ];
    for (const target of forged) {
      const response = await fetch(`${target.replace('/c/echo', '/c/slow')}/jobs`, {
        method: 'POST',
        body: '{}',
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { code: string }).code).toBe('TOKEN_INVALID');
    }
    const swapped = await fetch(`${url.replace('/c/echo', '/c/slow')}/jobs`, { method: 'POST', body: '{}' });
    expect([swapped.status, ((await swapped.json()) as { code: string }).code]).toEqual([
      403,
      'WRONG_TARGET',
    ]);
    // A bucket Par at a calculation route, an executable Par at an object route.
    const bucketUrl = await s.ownerPar.url(s.identity);
    const asCalculation = bucketUrl.replace(/\/b\/data\/o\/$/, '/c/echo/jobs');
    const wrong = await fetch(asCalculation, { method: 'POST', body: '{}' });
    expect([wrong.status, ((await wrong.json()) as { code: string }).code]).toEqual([403, 'WRONG_TARGET']);
    const asBucket = await fetch(url.replace('/c/echo', '/b/data/o/in/a.txt'));
    expect([asBucket.status, ((await asBucket.json()) as { code: string }).code]).toEqual([
      403,
      'WRONG_TARGET',
    ]);
    // The Par's own metadata cannot be edited either: opening it fails.
    const data = JSON.parse(JSON.stringify(par.toData()).replace('"name":"echo"', '"name":"slow"'));
    expect(await refusal(() => Par.fromData(data).execute(s.identity))).toBeInstanceOf(TamperError);
    // A bucket Par is not executable, and an executable Par cannot read.
    expect(await refusal(() => s.ownerPar.execute(s.identity))).toBeInstanceOf(PermissionError);
    expect(await refusal(() => par.read(s.identity))).toBeInstanceOf(PermissionError);
  });

  it('are checked when minted: calculation, grants, bound arguments', async () => {
    const mint = (request: Record<string, unknown>) =>
      refusal(() =>
        s.admin.createExecutablePar({
          calculation: 'echo',
          expires: { hours: 1 },
          recipients: [s.recipient],
          ...request,
        }),
      );
    const unknown = await mint({ calculation: 'nope' });
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown.context?.serviceCode).toBe('CALCULATION_NOT_FOUND');
    const codes = async (request: Record<string, unknown>) => (await mint(request)).context?.serviceCode;
    expect(await codes({})).toBe('ARGUMENTS_INCOMPLETE'); // label is required, neither bound nor settable
    expect(await codes({ arguments: { label: 'UPPER' } })).toBe('ARGUMENT_REJECTED');
    expect(await codes({ arguments: { label: 'x', bogus: 1 } })).toBe('ARGUMENT_REJECTED');
    expect(await codes({ arguments: { label: 'x' }, settable: ['label'] })).toBe('ARGUMENT_REJECTED');
    expect(await codes({ arguments: { label: 'x' }, maxRuns: 0 })).toBe(undefined); // refused locally
    expect(await mint({ arguments: { label: 'x' }, maxRuns: 0 })).toBeInstanceOf(RangeError);
    expect(await codes({ calculation: 'checksumReport' })).toBe('INVALID_GRANTS'); // needs inputs.data
    expect(
      await codes({
        calculation: 'checksumReport',
        inputs: { data: { bucket: 'data', permissions: ['write'] } },
        outputs: { reports: { bucket: 'data' } },
      }),
    ).toBe('INVALID_GRANTS');
    const missing = await mint({
      calculation: 'checksumReport',
      inputs: { data: { bucket: 'nowhere' } },
      outputs: { reports: { bucket: 'data' } },
    });
    expect([missing instanceof NotFoundError, missing.context?.serviceCode]).toEqual([
      true,
      'BUCKET_NOT_FOUND',
    ]);
    expect(await mint({ arguments: { label: 'x' }, recipients: ['age1nope'] })).toBeInstanceOf(
      RemoteServiceError,
    );
  });

  it('hold their run limit', async () => {
    const { runner } = await s.runner({ calculation: 'echo', arguments: { label: 'x' }, maxRuns: 2 });
    await (await runner.start()).wait();
    await (await runner.start()).wait();
    const spent = await refusal(() => runner.start());
    expect(spent).toBeInstanceOf(QuotaError);
    expect(isParkitError(spent, 'PARKIT_QUOTA_EXHAUSTED')).toBe(true);
    expect(spent.message).toContain("this Par's 2 runs are used");
    expect((await runner.describe()).runs).toEqual({ used: 2, max: 2 });
    expect((await runner.jobs()).map((job) => job.lastStatus?.run)).toEqual([1, 2]);
  });
});
