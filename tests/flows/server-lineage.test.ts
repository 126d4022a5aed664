/**
 * Provenance and lineage across a two-stage pipeline (stage one reads `src`, stage two reads
 * what stage one wrote, started by the write of a job's output), and the Luco submission each
 * run leaves in its flow's sequence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowServer, startFlowServer } from './helpers.js';

let flows: FlowServer;
let firstRun: string;
let secondRun: string;
const lineageOf = (data: string, query: string) =>
  flows.api('GET', `lineage?data=${encodeURIComponent(data)}&${query}`);

beforeAll(async () => {
  flows = await startFlowServer();
  await flows.api('POST', 'flows', {
    name: 'stage-one',
    calculation: 'concat',
    policy: 'any',
    inputs: { raw: { bucket: 'src', key: 'l/in.txt' } },
    outputs: { result: { bucket: 'out', prefix: 'stage-one/' } },
  });
  await flows.api('POST', 'flows', {
    name: 'stage-two',
    calculation: 'concat',
    policy: 'any',
    inputs: { one: { bucket: 'out', key: 'stage-one/result.txt' } },
    outputs: { result: { bucket: 'out', prefix: 'stage-two/' } },
  });
  await flows.src.setStringObject('l/in.txt', 'raw\n');
  await flows.idle();
  firstRun = (await flows.api('GET', 'flows/stage-one/runs')).body.items[0]?.id;
  secondRun = (await flows.api('GET', 'flows/stage-two/runs')).body.items[0]?.id;
});
afterAll(async () => {
  await flows.stop();
});

describe('provenance', () => {
  it('lists runs newest first, by flow, and gets one', async () => {
    expect(firstRun).toBeDefined();
    expect(secondRun).toBeDefined();
    const all = (await flows.api('GET', 'provenance')).body.items.map((run: { id: string }) => run.id);
    expect(all).toEqual([secondRun, firstRun]);
    const one = (await flows.api('GET', 'provenance?flow=stage-one')).body.items;
    expect(one.map((run: { id: string }) => run.id)).toEqual([firstRun]);
    const page = await flows.api('GET', 'provenance?limit=1');
    expect(page.body.items.map((run: { id: string }) => run.id)).toEqual([secondRun]);
    const rest = await flows.api('GET', `provenance?limit=1&cursor=${page.body.next}`);
    expect(rest.body.items.map((run: { id: string }) => run.id)).toEqual([firstRun]);
    const run = (await flows.api('GET', `provenance/${secondRun}`)).body;
    expect(run).toMatchObject({
      flowName: 'stage-two',
      trigger: 'change',
      state: 'succeeded',
      inputs: [{ name: 'one', data: 'out/stage-one/result.txt', version: 1 }],
      outputs: [{ name: 'result', data: 'out/stage-two/result.txt', version: 1 }],
    });
    const missing = await flows.api('GET', 'provenance/00000000000000000000');
    expect([missing.status, missing.body.code]).toEqual([404, 'RUN_NOT_FOUND']);
    expect((await flows.api('GET', 'provenance?flow=no-such-flow')).body.code).toBe('FLOW_NOT_FOUND');
  });

  it('keeps a deleted flow’s runs', async () => {
    await flows.api('POST', 'flows', {
      name: 'short-lived',
      calculation: 'concat',
      inputs: { raw: { bucket: 'src', key: 'l/in.txt' } },
      outputs: { result: { bucket: 'out', prefix: 'short-lived/' } },
    });
    const run = (await flows.api('POST', 'flows/short-lived/run')).body;
    await flows.idle();
    expect((await flows.api('DELETE', 'flows/short-lived')).status).toBe(204);
    expect((await flows.api('GET', `provenance/${run.id}`)).body.state).toBe('succeeded');
    expect((await flows.api('GET', `provenance?flow=${run.flow}`)).body.items).toHaveLength(1);
  });
});

describe('lineage', () => {
  it('walks upstream from the last output to the source', async () => {
    const answer = (await lineageOf('out/stage-two/result.txt', 'version=1&direction=upstream')).body;
    expect(answer.root).toEqual({ data: 'out/stage-two/result.txt', version: 1 });
    expect(answer.runs.map((run: { id: string }) => run.id)).toEqual([secondRun, firstRun]);
    expect(answer.edges).toEqual([
      {
        from: { data: 'out/stage-one/result.txt', version: 1 },
        to: { data: 'out/stage-two/result.txt', version: 1 },
        run: secondRun,
      },
      {
        from: { data: 'src/l/in.txt', version: 1 },
        to: { data: 'out/stage-one/result.txt', version: 1 },
        run: firstRun,
      },
    ]);
    expect(answer.versions.map((v: { data: string }) => v.data).sort()).toEqual([
      'out/stage-one/result.txt',
      'out/stage-two/result.txt',
      'src/l/in.txt',
    ]);
    const shallow = (await lineageOf('out/stage-two/result.txt', 'direction=upstream&depth=1')).body;
    expect(shallow.runs.map((run: { id: string }) => run.id)).toEqual([secondRun]);
  });

  it('walks downstream from the source to everything it fed', async () => {
    const answer = (await lineageOf('src/l/in.txt', 'version=1&direction=downstream')).body;
    // Every run that read it (the short-lived flow too), and what they fed in turn.
    const runs = answer.runs.map((run: { flowName: string }) => run.flowName);
    expect(runs.sort()).toEqual(['short-lived', 'stage-one', 'stage-two']);
    expect(answer.edges).toContainEqual({
      from: { data: 'out/stage-one/result.txt', version: 1 },
      to: { data: 'out/stage-two/result.txt', version: 1 },
      run: secondRun,
    });
  });

  it('refuses unknown data and bad parameters', async () => {
    const unknown = await lineageOf('src/none', 'direction=upstream');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'DATA_NOT_FOUND']);
    const version = await lineageOf('src/l/in.txt', 'version=9');
    expect([version.status, version.body.code]).toEqual([404, 'DATA_NOT_FOUND']);
    const direction = await lineageOf('src/l/in.txt', 'direction=sideways');
    expect([direction.status, direction.body.code]).toEqual([400, 'INVALID_QUERY']);
    const depth = await lineageOf('src/l/in.txt', 'depth=17');
    expect([depth.status, depth.body.code]).toEqual([400, 'INVALID_QUERY']);
  });
});

describe('Luco submissions', () => {
  it('records each run as a completed submission with its metrics and input check', async () => {
    const run = (await flows.api('GET', `provenance/${firstRun}`)).body;
    expect(run.submission.sequence).toBe('flow-stage-one');
    const { sequence, tag, id } = run.submission;
    const answer = await flows.api('GET', `observe/sequences/${sequence}/slots/${tag}/submissions/${id}`);
    expect(answer.status).toBe(200);
    const submission = answer.body.submission;
    expect(submission.completed).toBeDefined();
    const metrics = Object.fromEntries(
      submission.metrics.map((metric: { metric: string; value: number }) => [metric.metric, metric.value]),
    );
    expect(metrics).toMatchObject({ bytesRead: 4, bytesWritten: 4, objectsRead: 1, objectsWritten: 1 });
    expect(metrics.durationMs).toBeGreaterThanOrEqual(0);
    expect(submission.quality).toHaveLength(1);
    expect(submission.quality[0]).toMatchObject({ stage: 'run', tool: 'parkit-flows', action: 'continued' });
    expect(JSON.parse(submission.quality[0].results)).toMatchObject({ passed: true });
  });
});
