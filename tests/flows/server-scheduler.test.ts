/**
 * The scheduler on an injected clock: timer flows, `any` and `all` reacting to writes (the write
 * hook pokes the engine), unchanged content causing no run, failed runs retried until
 * `maxAttempts`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatFlow, type FlowServer, startFlowServer } from './helpers.js';

let flows: FlowServer;

async function runsOf(
  name: string,
): Promise<{ id: string; trigger: string; attempt: number; state: string }[]> {
  return (await flows.api('GET', `flows/${name}/runs?limit=100`)).body.items;
}

beforeAll(async () => {
  flows = await startFlowServer();
});
afterAll(async () => {
  await flows.stop();
});

describe('timer flows', () => {
  it('runs every intervalSeconds of the server clock, and not in between', async () => {
    await flows.src.setStringObject('timer/in.txt', 'tick\n');
    const created = await flows.api(
      'POST',
      'flows',
      concatFlow('every-minute', 'timer', { a: { key: 'timer/in.txt' } }, { intervalSeconds: 60 }),
    );
    expect(created.status).toBe(201);
    await flows.tick();
    expect((await runsOf('every-minute')).map((run) => run.trigger)).toEqual(['timer']);
    await flows.tick();
    flows.advance(59);
    await flows.tick();
    expect(await runsOf('every-minute')).toHaveLength(1);
    flows.advance(1);
    await flows.tick();
    const runs = await runsOf('every-minute');
    expect(runs.map((run) => [run.trigger, run.state])).toEqual([
      ['timer', 'succeeded'],
      ['timer', 'succeeded'],
    ]);
    expect(Date.parse((await flows.api('GET', 'flows/every-minute')).body.state.nextDue)).toBe(
      flows.now() + 60_000,
    );
  });
});

describe('change-triggered flows', () => {
  it('any runs when one input is newer, all only when every input is, unchanged content never', async () => {
    await flows.src.setStringObject('c/x.txt', 'x1\n');
    await flows.src.setStringObject('c/y.txt', 'y1\n');
    const inputs = { x: { key: 'c/x.txt' }, y: { key: 'c/y.txt' } };
    expect((await flows.api('POST', 'flows', concatFlow('on-any', 'any', inputs))).status).toBe(201);
    expect((await flows.api('POST', 'flows', concatFlow('on-all', 'all', inputs))).status).toBe(201);
    await flows.tick();
    expect((await runsOf('on-any')).map((run) => run.trigger)).toEqual(['change']);
    expect(await runsOf('on-all')).toHaveLength(1);

    // A write through the access API pokes the engine: no tick needed.
    await flows.src.setStringObject('c/x.txt', 'x2\n');
    await flows.idle();
    expect(await runsOf('on-any')).toHaveLength(2);
    expect(await runsOf('on-all')).toHaveLength(1);
    expect(await flows.outReader.getStringObject('on-any/result.txt')).toBe('x2\ny1\n');

    await flows.src.setStringObject('c/y.txt', 'y2\n');
    await flows.idle();
    expect(await runsOf('on-any')).toHaveLength(3);
    const all = await runsOf('on-all');
    expect(all).toHaveLength(2);
    const latest = (await flows.api('GET', `provenance/${all[0]?.id}`)).body;
    expect(latest.inputs.map((input: { version: number }) => input.version)).toEqual([2, 2]);
    expect(await flows.outReader.getStringObject('on-all/result.txt')).toBe('x2\ny2\n');

    // The same bytes again: no new version, no run — on the poke or on a tick.
    await flows.src.setStringObject('c/x.txt', 'x2\n');
    await flows.idle();
    await flows.tick();
    expect(await runsOf('on-any')).toHaveLength(3);
    expect(await runsOf('on-all')).toHaveLength(2);
    const versions = await flows.api('GET', `data/${encodeURIComponent('src/c/x.txt')}/versions`);
    expect(versions.body.items).toHaveLength(2);
  });

  it('waits until every input holds data', async () => {
    await flows.src.setStringObject('w/here.txt', 'here\n');
    const inputs = { here: { key: 'w/here.txt' }, later: { key: 'w/later.txt' } };
    await flows.api('POST', 'flows', concatFlow('waits', 'any', inputs));
    await flows.tick();
    await flows.tick();
    expect(await runsOf('waits')).toEqual([]);
    await flows.src.setStringObject('w/later.txt', 'later\n');
    await flows.idle();
    expect((await runsOf('waits')).map((run) => [run.trigger, run.state])).toEqual([['change', 'succeeded']]);
  });

  it('reacts to any object under a watched prefix', async () => {
    await flows.src.setStringObject('p/1.txt', 'one\n');
    await flows.api('POST', 'flows', concatFlow('on-prefix', 'any', { all: { prefix: 'p/' } }));
    await flows.tick();
    await flows.src.setStringObject('p/2.txt', 'two\n');
    await flows.idle();
    const runs = await runsOf('on-prefix');
    expect(runs).toHaveLength(2);
    expect(await flows.outReader.getStringObject('on-prefix/result.txt')).toBe('one\ntwo\n');
  });
});

describe('retries', () => {
  it('retries a failed run after delaySeconds, and the retry can succeed', async () => {
    await flows.api('POST', 'flows', {
      name: 'flaky-run',
      calculation: 'flaky',
      arguments: { marker: join(flows.base.dataDir, 'flaky-marker') },
      outputs: { result: { bucket: 'out', prefix: 'flaky-run/' } },
      retry: { maxAttempts: 3, delaySeconds: 10 },
    });
    await flows.api('POST', 'flows/flaky-run/run');
    await flows.idle();
    const first = await runsOf('flaky-run');
    expect(first.map((run) => run.state)).toEqual(['failed']);
    expect((await flows.api('GET', `provenance/${first[0]?.id}`)).body.error).toContain(
      'flaky: first attempt fails',
    );
    expect((await flows.api('GET', 'flows/flaky-run')).body.state).toMatchObject({
      failures: 1,
      retrying: true,
    });
    flows.advance(9);
    await flows.tick();
    expect(await runsOf('flaky-run')).toHaveLength(1);
    flows.advance(1);
    await flows.tick();
    const runs = await runsOf('flaky-run');
    expect(runs.map((run) => [run.trigger, run.attempt, run.state])).toEqual([
      ['retry', 2, 'succeeded'],
      ['manual', 1, 'failed'],
    ]);
    expect((await flows.api('GET', 'flows/flaky-run')).body.state).toMatchObject({
      failures: 0,
      lastOutcome: 'succeeded',
    });
    expect(await flows.outReader.getStringObject('flaky-run/done.txt')).toBe('repaired');
  });

  it('gives up after maxAttempts, keeping every failed run', async () => {
    await flows.api('POST', 'flows', {
      name: 'always-broken',
      calculation: 'broken',
      outputs: { result: { bucket: 'out', prefix: 'always-broken/' } },
      retry: { maxAttempts: 2, delaySeconds: 5 },
    });
    await flows.api('POST', 'flows/always-broken/run');
    await flows.idle();
    for (let step = 0; step < 3; step++) {
      flows.advance(5);
      await flows.tick();
    }
    const runs = await runsOf('always-broken');
    expect(runs.map((run) => [run.trigger, run.attempt, run.state])).toEqual([
      ['retry', 2, 'failed'],
      ['manual', 1, 'failed'],
    ]);
    const state = (await flows.api('GET', 'flows/always-broken')).body.state;
    expect(state).toMatchObject({ failures: 2, lastOutcome: 'failed' });
    expect(state.retrying).toBeUndefined();
  });
});

describe('the scheduler on its own', () => {
  it('ticks every pollMs without being asked', async () => {
    const polled = await startFlowServer({ flows: { pollMs: 50 } });
    try {
      await polled.src.setStringObject('self/in.txt', 'self\n');
      await polled.api(
        'POST',
        'flows',
        concatFlow('self-timed', 'timer', { a: { key: 'self/in.txt' } }, { intervalSeconds: 3600 }),
      );
      let runs: { state: string }[] = [];
      for (let wait = 0; wait < 200 && runs[0]?.state !== 'succeeded'; wait++) {
        await new Promise((done) => setTimeout(done, 50));
        runs = (await polled.api('GET', 'flows/self-timed/runs')).body.items;
      }
      expect(runs.map((run) => run.state)).toEqual(['succeeded']);
    } finally {
      await polled.stop();
    }
  });
});
