/**
 * Every field of the observability API is checked: bad input gets a 400 with a stable code (or
 * 404/405/409 where that is the truth), the typed client maps it to a typed error, argument
 * mistakes in the client are TypeError/RangeError, and nothing refused changes the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isParkitError, RemoteServiceError } from '../../src/index.js';
import { snapshot } from '../server/helpers.js';
import { type ObservedServer, startObserved } from './helpers.js';

let s: ObservedServer;
const base = 'observe/sequences';

beforeAll(async () => {
  s = await startObserved('2024-05-10T12:00:00.000Z');
  await s.observer.putSequence({
    name: 'daily',
    parameters: [{ key: 'source', value: 'sales' }],
    schedule: { everySeconds: 86_400, start: '2024-05-01T06:00:00Z' },
  });
  await s.observer.putSequence({ name: 'adhoc' });
  await s.observer.createSubmission('daily', { tag: '2024-05-02' });
});
afterAll(() => s.stop());

const submissionPath = async () => {
  const { submission } = await s.observer.createSubmission('adhoc', { tag: 'validation' });
  return `${base}/adhoc/slots/validation/submissions/${submission.id}`;
};

describe('sequence definitions', () => {
  it.each([
    ['Upper', {}, 'INVALID_SEQUENCE_NAME'],
    ['has space', {}, 'INVALID_SEQUENCE_NAME'],
    ['.hidden', {}, 'INVALID_SEQUENCE_NAME'],
    ['a%2Fb', {}, 'INVALID_SEQUENCE_NAME'],
    ['x'.repeat(65), {}, 'INVALID_SEQUENCE_NAME'],
    ['ok', { name: 'other' }, 'INVALID_SEQUENCE_NAME'],
    ['ok', { colour: 'red' }, 'UNKNOWN_FIELD'],
    ['ok', { description: 42 }, 'INVALID_DESCRIPTION'],
    ['ok', { parameters: { source: 'x' } }, 'INVALID_PARAMETERS'],
    [
      'ok',
      {
        parameters: [
          { key: 'a', value: 'x' },
          { key: 'a', value: 'y' },
        ],
      },
      'INVALID_PARAMETERS',
    ],
    ['ok', { parameters: [{ key: 'has space', value: 'x' }] }, 'INVALID_PARAMETERS'],
    ['ok', { parameters: [{ key: 'a', value: 3 }] }, 'INVALID_PARAMETERS'],
    ['ok', { parameters: [{ key: 'a', value: 'x', extra: 1 }] }, 'UNKNOWN_FIELD'],
    [
      'ok',
      { parameters: Array.from({ length: 33 }, (_, i) => ({ key: `k${i}`, value: 'v' })) },
      'INVALID_PARAMETERS',
    ],
    ['ok', { schedule: { everySeconds: 0, start: '2024-05-01T00:00:00Z' } }, 'INVALID_SCHEDULE'],
    ['ok', { schedule: { everySeconds: 1.5, start: '2024-05-01T00:00:00Z' } }, 'INVALID_SCHEDULE'],
    ['ok', { schedule: { everySeconds: 'daily', start: '2024-05-01T00:00:00Z' } }, 'INVALID_SCHEDULE'],
    ['ok', { schedule: { everySeconds: 60 } }, 'INVALID_TIME'],
    ['ok', { schedule: { everySeconds: 60, start: '2024-05-01T06:00' } }, 'INVALID_TIME'],
    [
      'ok',
      { schedule: { everySeconds: 60, start: '2024-05-02T00:00:00Z', end: '2024-05-01T00:00:00Z' } },
      'INVALID_SCHEDULE',
    ],
    [
      'ok',
      { schedule: { everySeconds: 3600, start: '2024-05-01T00:00:00Z', tagFormat: 'yyyy-MM-dd' } },
      'INVALID_SCHEDULE',
    ],
    [
      'ok',
      { schedule: { everySeconds: 86_400, start: '2024-05-01T00:00:00Z', tagFormat: 'yyyy/MM/dd' } },
      'INVALID_SCHEDULE',
    ],
    [
      'ok',
      { schedule: { everySeconds: 86_400, start: '2024-05-01T00:00:00Z', when: 'now' } },
      'UNKNOWN_FIELD',
    ],
  ])('PUT %s %j → %s', async (name, body, code) => {
    const answer = await s.raw('PUT', `${base}/${name}`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(code);
    expect((await s.raw('GET', `${base}/ok`)).status).not.toBe(200);
  });

  it('refuses a body that is not a JSON object', async () => {
    for (const body of ['[1,2]', 'not json', '{"__proto__":{"x":1}}']) {
      expect((await s.raw('PUT', `${base}/ok`, body)).body.code).toBe('MALFORMED_JSON');
    }
  });

  it('putting the same definition is idempotent; a different one needs overwrite; a used schedule is kept', async () => {
    const definition = { name: 'twice', schedule: { everySeconds: 3600, start: '2024-05-01T00:00:00Z' } };
    expect((await s.observer.putSequence(definition)).outcome).toBe('created');
    expect((await s.observer.putSequence(definition)).outcome).toBe('unchanged');
    const changed = { ...definition, description: 'hourly' };
    const refused = await s.observer.putSequence(changed).catch((error: unknown) => error);
    expect(isParkitError(refused, 'PARKIT_CONFLICT')).toBe(true);
    expect((refused as { context: { serviceCode?: string } }).context.serviceCode).toBe('SEQUENCE_EXISTS');
    expect((await s.observer.putSequence(changed, { overwrite: true })).sequence.description).toBe('hourly');
    await s.observer.findSlot('twice', { tag: '2024-05-01T03:00:00Z' });
    const reschedule = { ...changed, schedule: { everySeconds: 7200, start: '2024-05-01T00:00:00Z' } };
    const kept = await s.observer
      .putSequence(reschedule, { overwrite: true })
      .catch((error: unknown) => error);
    expect((kept as { context: { serviceCode?: string } }).context.serviceCode).toBe('SCHEDULE_IN_USE');
    expect((await s.observer.getSequence('twice')).schedule?.everySeconds).toBe(3600);
  });

  it('deletes only an empty sequence', async () => {
    await s.observer.putSequence({ name: 'empty' });
    await s.observer.deleteSequence('empty');
    await expect(s.observer.getSequence('empty')).rejects.toMatchObject({ code: 'PARKIT_NOT_FOUND' });
    const busy = await s.observer.deleteSequence('daily').catch((error: unknown) => error);
    expect((busy as { context: { serviceCode?: string } }).context.serviceCode).toBe('SEQUENCE_NOT_EMPTY');
  });
});

describe('slots', () => {
  it.each([
    ['daily', { tag: 'a b' }, 400, 'INVALID_TAG'],
    ['daily', { tag: 'a~b' }, 400, 'INVALID_TAG'],
    ['daily', { tag: '../x' }, 400, 'INVALID_TAG'],
    ['daily', { tag: 'x'.repeat(101) }, 400, 'INVALID_TAG'],
    ['daily', { tag: '2024-05-02T06:00:00Z' }, 400, 'TAG_NOT_ON_SCHEDULE'],
    ['daily', { tag: '2024-13-01' }, 400, 'TAG_NOT_ON_SCHEDULE'],
    ['daily', { expected: '2024-05-02T06:00:00Z' }, 400, 'INVALID_REQUEST'],
    ['daily', { at: '2024-04-30T00:00:00Z' }, 409, 'SCHEDULE_NOT_STARTED'],
    ['daily', { at: 'yesterday' }, 400, 'INVALID_TIME'],
    ['adhoc', { at: '2024-05-02T06:00:00Z' }, 400, 'INVALID_REQUEST'],
    ['adhoc', { tag: 'x', expected: '1969-12-31T23:59:59Z' }, 400, 'INVALID_TIME'],
    ['adhoc', { tag: 'x', when: 1 }, 400, 'UNKNOWN_FIELD'],
    ['nosuch', { tag: 'x' }, 404, 'SEQUENCE_NOT_FOUND'],
  ])('POST %s/slots %j → %i %s', async (sequence, body, status, code) => {
    const answer = await s.raw('POST', `${base}/${sequence}/slots`, body);
    expect([answer.status, answer.body.code]).toEqual([status, code]);
  });

  it('the client maps refusals to typed errors with the server code', async () => {
    const error = await s.observer.findSlot('daily', { tag: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteServiceError);
    expect((error as RemoteServiceError).status).toBe(400);
    expect((error as RemoteServiceError).context.serviceCode).toBe('TAG_NOT_ON_SCHEDULE');
    await expect(s.observer.getSlot('daily', '2024-05-09')).rejects.toMatchObject({
      code: 'PARKIT_NOT_FOUND',
    });
  });
});

describe('what is posted to a submission', () => {
  it.each([
    ['metrics', 'INVALID_METRIC', { stage: 'Load', metrics: [{ metric: 'rows', value: '5' }] }],
    ['metrics', 'INVALID_METRIC', { stage: 'Load', metrics: [{ metric: 'rows', value: null }] }],
    ['metrics', 'INVALID_METRIC', { stage: 'Load', metrics: [{ metric: 'rows', value: true }] }],
    ['metrics', 'INVALID_METRIC', { stage: 'Load', metrics: [{ metric: '', value: 1 }] }],
    [
      'metrics',
      'INVALID_METRIC',
      {
        stage: 'Load',
        metrics: [
          { metric: 'a', value: 1 },
          { metric: 'a', value: 2 },
        ],
      },
    ],
    ['metrics', 'INVALID_METRIC', { stage: 'Load', metrics: [] }],
    ['metrics', 'INVALID_METRIC', { stage: 'Load', metrics: 5 }],
    ['metrics', 'INVALID_METRIC', { metrics: [{ metric: 'rows', value: 1 }] }],
    ['metrics', 'INVALID_METRIC', { stage: 'Lo\nad', metrics: [{ metric: 'rows', value: 1 }] }],
    ['metrics', 'UNKNOWN_FIELD', { stage: 'Load', metrics: [{ metric: 'rows', value: 1, unit: 'n' }] }],
    ['quality', 'INVALID_QUALITY', { stage: 'Load', tool: 'ge', results: 'ok', action: 'maybe' }],
    ['quality', 'INVALID_QUALITY', { stage: 'Load', tool: 'ge', results: 5, action: 'continued' }],
    ['quality', 'INVALID_QUALITY', { stage: 'Load', results: 'ok', action: 'continued' }],
    [
      'quality',
      'INVALID_QUALITY',
      { stage: 'Load', tool: 'ge', results: 'ok', action: 'continued', dataset: 'a', dataSet: 'b' },
    ],
    [
      'quality',
      'INVALID_QUALITY',
      { stage: 'Load', tool: 'ge', results: 'x'.repeat(4097), action: 'continued' },
    ],
    ['status', 'INVALID_STATUS', { status: '' }],
    ['status', 'INVALID_STATUS', { status: '1st' }],
    ['status', 'INVALID_STATUS', { status: 'Done', message: 'nul\u0000' }],
    ['status', 'UNKNOWN_FIELD', { status: 'Done', by: 'me' }],
    ['run-environment', 'INVALID_RUN_ENVIRONMENT', { runEnvironments: [{ host: { name: 'x' } }] }],
    ['run-environment', 'INVALID_RUN_ENVIRONMENT', { runEnvironments: [] }],
    ['run-environment', 'INVALID_RUN_ENVIRONMENT', { runEnvironments: [{ 'bad key': 1 }] }],
  ])('POST …/%s → %s (case %#)', async (kind, code, body) => {
    const path = await submissionPath();
    const before = (await s.raw('GET', path)).body;
    const answer = await s.raw('POST', `${path}/${kind}`, body);
    expect([answer.status, answer.body.code]).toEqual([400, code]);
    expect((await s.raw('GET', path)).body).toEqual(before);
  });

  it('refuses a metric value JSON reads as infinite', async () => {
    const path = await submissionPath();
    const answer = await s.raw(
      'POST',
      `${path}/metrics`,
      '{"stage":"Load","metrics":[{"metric":"m","value":1e400}]}',
    );
    expect(answer.body.code).toBe('INVALID_METRIC');
  });

  it('unknown submissions, routes, methods and query parameters', async () => {
    const path = await submissionPath();
    expect((await s.raw('GET', `${base}/adhoc/slots/validation/submissions/nope`)).body.code).toBe(
      'SUBMISSION_NOT_FOUND',
    );
    expect(
      (await s.raw('GET', `${base}/adhoc/slots/validation/submissions/20240101T000000000Z-000000`)).status,
    ).toBe(404);
    expect((await s.raw('POST', `${path}/notes`, {})).body.code).toBe('NOT_FOUND');
    expect((await s.raw('DELETE', path)).status).toBe(405);
    expect((await s.raw('GET', `${base}/daily/submissions?colour=red`)).body.code).toBe('INVALID_QUERY');
    expect((await s.raw('GET', `${base}/daily/submissions?completed=yes`)).body.code).toBe('INVALID_QUERY');
    expect((await s.raw('GET', `${base}/daily/submissions?limit=0`)).body.code).toBe('INVALID_QUERY');
    expect(
      (await s.raw('GET', `${base}/daily/submissions?after=2024-05-03&before=2024-05-02`)).body.code,
    ).toBe('INVALID_QUERY');
    expect((await s.raw('GET', `${base}/daily/submissions?cursor=garbage!`)).body.code).toBe(
      'INVALID_CURSOR',
    );
    expect((await s.raw('GET', `${base}/daily/closest`)).body.code).toBe('INVALID_QUERY');
    expect((await s.raw('GET', `${base}/daily/closest?at=2024-05-02&direction=sideways`)).body.code).toBe(
      'INVALID_QUERY',
    );
    expect((await s.raw('GET', `${base}/daily/deliveries?after=2024-05-01`)).body.code).toBe('INVALID_QUERY');
    expect(
      (await s.raw('GET', `${base}/daily/deliveries?after=2024-05-01&before=2030-01-01`)).body.code,
    ).toBe('WINDOW_TOO_LARGE');
  });

  it('a cursor of one sequence or order is refused by another', async () => {
    for (const tag of ['2024-05-03', '2024-05-04']) await s.observer.createSubmission('daily', { tag });
    const page = await s.observer.findSubmissions('daily', { limit: 1 });
    expect(page.next).toBeDefined();
    expect((await s.raw('GET', `${base}/adhoc/submissions?cursor=${page.next}`)).body.code).toBe(
      'INVALID_CURSOR',
    );
    expect((await s.raw('GET', `${base}/daily/submissions?order=oldest&cursor=${page.next}`)).body.code).toBe(
      'INVALID_CURSOR',
    );
  });

  it('curl can create a submission with no body at all (every field is optional)', async () => {
    const { execFile } = await import('node:child_process');
    const url = `${s.server.url}/admin/v1/${base}/adhoc/slots/by-curl/submissions`;
    const out = await new Promise<string>((done, fail) =>
      execFile(
        'curl',
        ['-sS', '-X', 'POST', '-H', `authorization: Bearer ${s.adminKey}`, '-w', '\\n%{http_code}', url],
        (error, stdout) => (error ? fail(error) : done(stdout)),
      ),
    );
    const [body, status] = out.split('\n');
    expect(status).toBe('201');
    expect(JSON.parse(body as string)).toMatchObject({
      slot: { tag: 'by-curl' },
      submission: { tag: 'by-curl', statuses: [] },
    });
  });

  it('needs the admin key', async () => {
    const answer = await fetch(`${s.server.url}/admin/v1/${base}`);
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { code: string }).code).toBe('ADMIN_KEY_MISSING');
  });
});

describe('refused requests change nothing stored', () => {
  it('a batch of bad requests leaves the data directory as it was', async () => {
    const path = await submissionPath();
    const before = await snapshot(s.dataDir);
    const bad: [string, string, unknown][] = [
      ['PUT', `${base}/Bad`, {}],
      ['PUT', `${base}/daily`, { schedule: { everySeconds: 60, start: '2024-05-01T00:00:00Z' } }],
      ['POST', `${base}/daily/slots`, { tag: 'nope' }],
      ['POST', `${base}/daily/submissions`, { tag: '2024-05-02', stage: 7 }],
      ['POST', `${base}/daily/submissions`, { tag: '2024-05-05', runEnvironments: [{ a: {} }] }],
      ['POST', `${path}/metrics`, { stage: 'x', metrics: [{ metric: 'a', value: 'NaN' }] }],
      ['POST', `${path}/quality`, { stage: 'x', tool: 't', results: 'r', action: 'stop' }],
      ['POST', `${path}/status`, { status: '' }],
      ['DELETE', `${base}/daily`, undefined],
    ];
    for (const [method, at, body] of bad)
      expect((await s.raw(method, at, body)).status).toBeGreaterThanOrEqual(400);
    expect(await snapshot(s.dataDir)).toEqual(before);
  });
});

describe('client argument checks', () => {
  it('are TypeError / RangeError naming the argument, before any request', async () => {
    const ref = { sequence: 'adhoc', tag: 'validation', id: '20240101T000000000Z-000000' };
    await expect(s.observer.submitMetrics(ref, 'Load', { rows: Number.NaN })).rejects.toThrow(RangeError);
    await expect(s.observer.submitMetrics(ref, 'Load', { rows: '5' as unknown as number })).rejects.toThrow(
      /rows/,
    );
    await expect(s.observer.submitMetrics(ref, 'Load', {})).rejects.toThrow(RangeError);
    await expect(
      s.observer.submitQuality(ref, { stage: 'x', tool: 't', results: 'r', action: 'stop' as 'continued' }),
    ).rejects.toThrow(RangeError);
    await expect(s.observer.getSequence('')).rejects.toThrow(TypeError);
    await expect(s.observer.latestCompleted('daily', { after: 'soon' })).rejects.toThrow(/after/);
    await expect(s.observer.findClosest('daily', {} as { at: string })).rejects.toThrow(TypeError);
  });
});
