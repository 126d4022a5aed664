/**
 * Flows CRUD and manual runs: typed refusals that store nothing, a run through the compute
 * service recorded with the exact input versions read and output versions written, a failed run
 * recorded, and a flow that never runs twice at once.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot } from '../server/helpers.js';
import { concatFlow, type FlowServer, startFlowServer } from './helpers.js';

let flows: FlowServer;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  flows = await startFlowServer();
  await flows.src.setStringObject('a.txt', 'alpha\n');
  await flows.src.setStringObject('b.txt', 'bravo\n');
});
afterAll(async () => {
  await flows.stop();
});

describe('flow validation', () => {
  const refusals: [string, Record<string, unknown>, number, string][] = [
    ['a bad name', { ...concatFlow('x', 'none', {}), name: 'Bad Name' }, 400, 'INVALID_FLOW'],
    ['an unknown policy', concatFlow('x', 'sometimes', {}), 400, 'INVALID_FLOW'],
    ['an unknown field', { ...concatFlow('x', 'none', {}), colour: 'red' }, 400, 'INVALID_FLOW'],
    ['a timer without interval', concatFlow('x', 'timer', {}), 400, 'INVALID_FLOW'],
    ['an any flow without inputs', concatFlow('x', 'any', {}), 400, 'INVALID_FLOW'],
    [
      'key and prefix together',
      concatFlow('x', 'none', { a: { key: 'a.txt', prefix: 'p/' } }),
      400,
      'INVALID_FLOW',
    ],
    [
      'a pinned version that does not exist',
      concatFlow('x', 'none', { a: { key: 'a.txt', version: 7 } }),
      400,
      'INVALID_FLOW',
    ],
    ['a bad retry', concatFlow('x', 'none', {}, { retry: { maxAttempts: 0 } }), 400, 'INVALID_FLOW'],
    [
      'an argument the calculation refuses',
      { ...concatFlow('x', 'none', {}), calculation: 'echo', arguments: { label: 7 } },
      400,
      'INVALID_FLOW',
    ],
    [
      'an ingestion flow with a calculation',
      {
        name: 'x',
        policy: 'ingestion',
        calculation: 'concat',
        ingestion: { url: 'http://127.0.0.1:1/', bucket: 'src', key: 'k' },
      },
      400,
      'INVALID_FLOW',
    ],
    [
      'an ingestion URL that is not http',
      { name: 'x', policy: 'ingestion', ingestion: { url: 'file:///etc/passwd', bucket: 'src', key: 'k' } },
      400,
      'INVALID_FLOW',
    ],
    [
      'an unknown calculation',
      { ...concatFlow('x', 'none', {}), calculation: 'nothing' },
      404,
      'CALCULATION_NOT_FOUND',
    ],
    [
      'an unknown bucket',
      { ...concatFlow('x', 'none', {}), outputs: { result: { bucket: 'nowhere' } } },
      404,
      'BUCKET_NOT_FOUND',
    ],
  ];
  it.each(refusals)('refuses %s and stores nothing', async (_what, body, status, code) => {
    const before = await snapshot(flows.base.dataDir);
    const answer = await flows.api('POST', 'flows', body);
    expect([answer.status, answer.body.code]).toEqual([status, code]);
    expect(await snapshot(flows.base.dataDir)).toEqual(before);
    expect((await flows.api('GET', 'flows/x')).status).toBe(404);
  });

  it('creates, lists, gets by id or name, refuses a second of one name, deletes', async () => {
    const created = await flows.api('POST', 'flows', concatFlow('crud', 'none', { a: { key: 'a.txt' } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'crud',
      calculation: 'concat',
      policy: 'none',
      retry: { maxAttempts: 3, delaySeconds: 30 },
      state: { failures: 0 },
    });
    expect(created.body.id).toMatch(/^[0-9a-f]{32}$/);
    const again = await flows.api('POST', 'flows', concatFlow('crud', 'none', {}));
    expect([again.status, again.body.code]).toEqual([409, 'FLOW_EXISTS']);
    expect((await flows.api('GET', `flows/${created.body.id}`)).body.name).toBe('crud');
    expect((await flows.api('GET', 'flows/crud')).body.id).toBe(created.body.id);
    const listed = await flows.api('GET', 'flows');
    expect(listed.body.items.map((flow: { name: string }) => flow.name)).toContain('crud');
    expect((await flows.api('DELETE', 'flows/crud')).status).toBe(204);
    const gone = await flows.api('GET', 'flows/crud');
    expect([gone.status, gone.body.code]).toEqual([404, 'FLOW_NOT_FOUND']);
    expect((await flows.api('DELETE', 'flows/crud')).body.code).toBe('FLOW_NOT_FOUND');
    expect((await flows.api('POST', 'flows/crud/run')).body.code).toBe('FLOW_NOT_FOUND');
  });
});

describe('manual runs', () => {
  it('runs the calculation and records the exact versions read and written', async () => {
    await flows.api(
      'POST',
      'flows',
      concatFlow('manual', 'none', { a: { key: 'a.txt' }, b: { key: 'b.txt' } }),
    );
    const started = await flows.api('POST', 'flows/manual/run');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      flowName: 'manual',
      trigger: 'manual',
      attempt: 1,
      state: 'running',
    });
    expect(started.body.inputs).toEqual([
      { name: 'a', data: 'src/a.txt', version: 1, checksum: sha('alpha\n') },
      { name: 'b', data: 'src/b.txt', version: 1, checksum: sha('bravo\n') },
    ]);
    await flows.idle();
    const run = (await flows.api('GET', `provenance/${started.body.id}`)).body;
    expect(run.state).toBe('succeeded');
    expect(run.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.outputs).toEqual([
      { name: 'result', data: 'out/manual/result.txt', version: 1, checksum: sha('alpha\nbravo\n') },
    ]);
    expect(await flows.outReader.getStringObject('manual/result.txt')).toBe('alpha\nbravo\n');
    const flow = (await flows.api('GET', 'flows/manual')).body;
    expect(flow.state).toMatchObject({ lastOutcome: 'succeeded', failures: 0, lastRun: run.started });
    const runs = await flows.api('GET', 'flows/manual/runs');
    expect(runs.body.items.map((item: { id: string }) => item.id)).toEqual([run.id]);
  });

  it('serves a pinned input version to the run, whatever the object holds now', async () => {
    await flows.src.setStringObject('pin.txt', 'old\n');
    const created = await flows.api(
      'POST',
      'flows',
      concatFlow('pinned', 'none', { p: { key: 'pin.txt', version: 1 } }),
    );
    expect(created.status).toBe(201);
    await flows.src.setStringObject('pin.txt', 'new\n');
    const started = await flows.api('POST', 'flows/pinned/run');
    expect(started.body.inputs).toEqual([
      { name: 'p', data: 'src/pin.txt', version: 1, checksum: sha('old\n') },
    ]);
    await flows.idle();
    expect((await flows.api('GET', `provenance/${started.body.id}`)).body.state).toBe('succeeded');
    expect(await flows.outReader.getStringObject('pinned/result.txt')).toBe('old\n');
    const versions = await flows.api('GET', `data/${encodeURIComponent('src/pin.txt')}/versions`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it('records a failed run with its scrubbed error', async () => {
    await flows.api('POST', 'flows', {
      name: 'failing',
      calculation: 'broken',
      outputs: { result: { bucket: 'out', prefix: 'failing/' } },
      retry: { maxAttempts: 1 },
    });
    const started = await flows.api('POST', 'flows/failing/run');
    await flows.idle();
    const run = (await flows.api('GET', `provenance/${started.body.id}`)).body;
    expect(run).toMatchObject({ state: 'failed', outputs: [] });
    expect(run.error).toContain('broken: always fails');
    expect((await flows.api('GET', 'flows/failing')).body.state).toMatchObject({
      lastOutcome: 'failed',
      failures: 1,
    });
  });

  it('refuses a second run while one is in progress', async () => {
    await flows.api('POST', 'flows', {
      name: 'busy',
      calculation: 'forever',
      outputs: { result: { bucket: 'out', prefix: 'busy/' } },
    });
    const first = await flows.api('POST', 'flows/busy/run');
    expect(first.status).toBe(202);
    const second = await flows.api('POST', 'flows/busy/run');
    expect([second.status, second.body.code]).toEqual([409, 'FLOW_RUNNING']);
    const lease = await flows.base.server.flows.tick();
    expect(lease.map((run) => run.id)).not.toContain(first.body.id);
    const runs = await flows.api('GET', 'flows/busy/runs');
    expect(runs.body.items).toHaveLength(1);
    const job = await flows.api('POST', `jobs/${first.body.jobId}/stop`);
    expect(job.status).toBe(200);
    await flows.idle();
    expect((await flows.api('GET', `provenance/${first.body.id}`)).body.state).toBe('failed');
  });
});
