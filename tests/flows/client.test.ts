/**
 * `ParkitFlows` against a real server on loopback: register a flow, run it by hand and on a
 * change of its input, read the typed provenance records, data versions and lineage both ways,
 * page through every listing, and get the server's refusals as typed errors that store nothing.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  type Flow,
  type FlowRun,
  isParkitError,
  NotFoundError,
  ParkitFlows,
  RemoteServiceError,
} from '../../src/index.js';
import { type FlowServer, startFlowServer } from './helpers.js';

let t: FlowServer;
let flows: ParkitFlows;
let joined: Flow;
let manual: FlowRun;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  t = await startFlowServer();
  flows = new ParkitFlows({ url: t.base.server.url, adminKey: t.base.adminKey });
  await t.src.setStringObject('a.txt', 'alpha\n');
  await t.src.setStringObject('more/b.txt', 'bravo\n');
  await t.src.setStringObject('more/c.txt', 'charlie\n');
});
afterAll(() => t.stop());

const serviceCode = (error: unknown) => (isParkitError(error) ? error.context.serviceCode : undefined);

async function refusal(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('a flow from registration to lineage', () => {
  it('registers a flow and reads it back typed, by name and by id', async () => {
    joined = await flows.createFlow({
      name: 'joined',
      calculation: 'concat',
      inputs: { a: { bucket: 'src', key: 'a.txt' }, more: { bucket: 'src', prefix: 'more/' } },
      outputs: { result: { bucket: 'out', prefix: 'joined/' } },
      policy: 'any',
    });
    expect(joined).toMatchObject({
      name: 'joined',
      calculation: 'concat',
      policy: 'any',
      inputs: { a: { bucket: 'src', key: 'a.txt' }, more: { bucket: 'src', prefix: 'more/' } },
      outputs: { result: { bucket: 'out', prefix: 'joined/' } },
      retry: { maxAttempts: 3, delaySeconds: 30 },
      state: { failures: 0 },
    });
    expect(joined.id).toMatch(/^[0-9a-f]{32}$/);
    expect(DateTime.isDateTime(joined.created) && joined.created.isValid).toBe(true);
    expect(Object.isFrozen(joined)).toBe(true);
    expect((await flows.getFlow('joined')).id).toBe(joined.id);
    expect((await flows.getFlow(joined.id)).name).toBe('joined');
  });

  it('runs it by hand and records the exact versions read and written', async () => {
    manual = await flows.runFlow('joined');
    expect(manual).toMatchObject({
      flow: joined.id,
      flowName: 'joined',
      trigger: 'manual',
      state: 'running',
    });
    expect(manual.inputs).toEqual([
      { name: 'a', data: 'src/a.txt', version: 1, checksum: sha('alpha\n') },
      expect.objectContaining({ name: 'more', data: 'src/more/*', version: 1 }),
    ]);
    await t.idle();
    const done = await flows.getProvenance(manual.id);
    expect(done.state).toBe('succeeded');
    expect(done.ended !== undefined && done.ended >= done.started).toBe(true);
    expect(done.outputs).toEqual([
      { name: 'result', data: 'out/joined/result.txt', version: 1, checksum: sha('alpha\nbravo\ncharlie\n') },
    ]);
    const flow = await flows.getFlow(joined);
    expect(flow.state.lastOutcome).toBe('succeeded');
    expect(flow.state.read).toEqual({ a: 1, more: 1 });
    expect(flow.state.lastRun?.toMillis()).toBe(done.started.toMillis());
  });

  it('runs it again when an input changes, and shows the new versions', async () => {
    await t.src.setStringObject('a.txt', 'ALPHA\n');
    await t.idle();
    const runs = (await flows.listRuns('joined')).items;
    expect(runs.map((run) => run.trigger)).toEqual(['change', 'manual']);
    expect(runs[0]).toMatchObject({ state: 'succeeded' });
    expect(runs[0]?.inputs[0]).toMatchObject({ data: 'src/a.txt', version: 2, checksum: sha('ALPHA\n') });
    const versions = (await flows.listVersions({ bucket: 'src', key: 'a.txt' })).items;
    expect(versions.map((version) => [version.version, version.checksum])).toEqual([
      [2, sha('ALPHA\n')],
      [1, sha('alpha\n')],
    ]);
    expect(versions[0]?.size).toBe(6);
    expect(versions[0]?.created.isValid).toBe(true);
    const data = (await flows.listData({ limit: 1000 })).items.map((item) => [item.id, item.latest?.version]);
    expect(data).toEqual(
      expect.arrayContaining([
        ['src/a.txt', 2],
        ['src/more/*', 1],
        ['out/joined/result.txt', 2],
      ]),
    );
  });

  it('walks lineage upstream from an output and downstream from an input version', async () => {
    const upstream = await flows.lineage('out/joined/result.txt');
    expect(upstream.root).toEqual({ data: 'out/joined/result.txt', version: 2 });
    const latestRun = (await flows.listRuns('joined')).items[0] as FlowRun;
    expect(upstream.edges).toEqual(
      expect.arrayContaining([
        { from: { data: 'src/a.txt', version: 2 }, to: upstream.root, run: latestRun.id },
        { from: { data: 'src/more/*', version: 1 }, to: upstream.root, run: latestRun.id },
      ]),
    );
    expect(upstream.runs.map((run) => run.id)).toContain(latestRun.id);
    const downstream = await flows.lineage('src/a.txt', { version: 1, direction: 'downstream', depth: 1 });
    expect(downstream.root).toEqual({ data: 'src/a.txt', version: 1 });
    expect(downstream.edges).toContainEqual({
      from: downstream.root,
      to: { data: 'out/joined/result.txt', version: 1 },
      run: manual.id,
    });
    expect(downstream.runs.map((run) => run.id)).toEqual([manual.id]);
    expect(downstream.versions.map((version) => version.data)).toContain('out/joined/result.txt');
  });

  it('pages through flows and provenance, all pages through the all… iterators', async () => {
    await flows.createFlow({
      name: 'second',
      calculation: 'concat',
      outputs: { result: { bucket: 'out', prefix: 'second/' } },
    });
    const first = await flows.listFlows({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.next).toBeDefined();
    const names: string[] = [];
    for await (const flow of flows.allFlows({ limit: 1 })) names.push(flow.name);
    expect(names.sort()).toEqual(['joined', 'second']);
    const records: FlowRun[] = [];
    for await (const run of flows.allProvenance({ flow: 'joined', limit: 1 })) records.push(run);
    expect(records.map((run) => run.trigger)).toEqual(['change', 'manual']);
    const versions: number[] = [];
    for await (const version of flows.allVersions('src/a.txt', { limit: 1 })) versions.push(version.version);
    expect(versions).toEqual([2, 1]);
  });

  it('deletes a flow and keeps its runs as provenance', async () => {
    await flows.deleteFlow('second');
    expect(serviceCode(await refusal(() => flows.getFlow('second')))).toBe('FLOW_NOT_FOUND');
    await flows.deleteFlow(joined);
    expect((await flows.getProvenance(manual.id)).flowName).toBe('joined');
    expect((await flows.listProvenance()).items.map((run) => run.id)).toContain(manual.id);
  });
});

describe('refusals are typed and store nothing', () => {
  it('maps each server refusal to its typed error with the server code', async () => {
    const before = (await flows.listFlows({ limit: 1000 })).items.map((flow) => flow.name);
    const cases: [() => Promise<unknown>, unknown, string][] = [
      [
        () => flows.createFlow({ name: 'x', calculation: 'nothing', outputs: { r: { bucket: 'out' } } }),
        NotFoundError,
        'CALCULATION_NOT_FOUND',
      ],
      [
        () => flows.createFlow({ name: 'x', calculation: 'concat', outputs: { r: { bucket: 'nowhere' } } }),
        NotFoundError,
        'BUCKET_NOT_FOUND',
      ],
      [
        () => flows.createFlow({ name: 'x', calculation: 'concat', policy: 'any' }),
        RemoteServiceError,
        'INVALID_FLOW',
      ],
      [
        () =>
          flows.createFlow({
            name: 'x',
            calculation: 'concat',
            inputs: { a: { bucket: 'src', key: 'a.txt', version: 9 } },
          }),
        RemoteServiceError,
        'INVALID_FLOW',
      ],
      [() => flows.getFlow('nope'), NotFoundError, 'FLOW_NOT_FOUND'],
      [() => flows.runFlow('nope'), NotFoundError, 'FLOW_NOT_FOUND'],
      [() => flows.listVersions('src/nope.txt'), NotFoundError, 'DATA_NOT_FOUND'],
      [() => flows.getProvenance('0'.repeat(32)), NotFoundError, 'RUN_NOT_FOUND'],
    ];
    for (const [call, type, code] of cases) {
      const error = await refusal(call);
      expect(error).toBeInstanceOf(type);
      expect(serviceCode(error)).toBe(code);
    }
    expect((await flows.listFlows({ limit: 1000 })).items.map((flow) => flow.name)).toEqual(before);
  });

  it('names the field at fault of an INVALID_FLOW in the error context', async () => {
    const error = await refusal(() =>
      flows.createFlow({
        name: 'x',
        calculation: 'concat',
        inputs: { a: { bucket: 'src', key: 'a.txt', version: 9 } },
      }),
    );
    expect((error as RemoteServiceError).context.field).toBe('inputs.a.version');
  });

  it('refuses a second run while one runs, and a second flow of one name', async () => {
    await flows.createFlow({ name: 'busy', calculation: 'forever', outputs: { result: { bucket: 'out' } } });
    const running = await flows.runFlow('busy');
    const busy = await refusal(() => flows.runFlow('busy'));
    expect(busy).toBeInstanceOf(ConflictError);
    expect(serviceCode(busy)).toBe('FLOW_RUNNING');
    const twice = await refusal(() =>
      flows.createFlow({ name: 'busy', calculation: 'concat', outputs: { result: { bucket: 'out' } } }),
    );
    expect(twice).toBeInstanceOf(ConflictError);
    expect(serviceCode(twice)).toBe('FLOW_EXISTS');
    expect((await flows.listRuns('busy')).items).toHaveLength(1);
    await t.base.admin.stopJob(running.jobId as string);
    await t.idle();
    expect((await flows.getProvenance(running.id)).state).toBe('failed');
  });

  it('gives the flow recipient, the same every time', async () => {
    const recipient = await flows.flowRecipient();
    expect(recipient).toMatch(/^age1[0-9a-z]+$/);
    expect(await flows.flowRecipient()).toBe(recipient);
  });
});
