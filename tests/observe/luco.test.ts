/**
 * The Luco export client against the local Luco-compatible API (tests/servers/luco.ts): the
 * LucoPy request shapes end to end, bearer tokens from an identity object or Azure client
 * credentials renewed 30 s before expiry on an injected clock, one renewal and retry after a
 * 401, refusals as RemoteServiceError, a Downloader run exported to Luco and the parkit server
 * at once, and no token or secret in any error or log entry.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  combineRecorders,
  Downloader,
  isParkitError,
  LucoClient,
  type LucoLogEntry,
  LucoRecorder,
  Par,
  ParkitObserver,
  RemoteServiceError,
} from '../../src/index.js';
import { keyPair } from '../helpers/fixtures.js';
import { startServer } from '../server/helpers.js';
import { type LucoServer, startLucoServer } from '../servers/luco.js';

const definition = { source: 'sales', region: 'eu' };
const SECRET = 'azure-client-secret-7f3c9a1e';
let clock = Date.parse('2024-05-01T12:00:00.000Z');
let luco: LucoServer;

beforeAll(async () => {
  luco = await startLucoServer({
    now: () => clock,
    clients: { 'app-1': { secret: SECRET, resource: 'api://luco' } },
    tokenLifetime: 600,
  });
  luco.addSequence(definition);
});
afterAll(() => luco.close());
afterEach(() => {
  clock = Date.parse('2024-05-01T12:00:00.000Z');
});

/** An identity that hands out server tokens of a given lifetime, counting calls. */
function identity(lifetime = 300) {
  const handed: string[] = [];
  return {
    handed,
    generateToken() {
      const { token, expires } = luco.issueToken(lifetime);
      handed.push(token);
      return { token, expires };
    },
  };
}

const client = (options: Partial<ConstructorParameters<typeof LucoClient>[0]> = {}) =>
  new LucoClient({ url: luco.url, identity: identity(), now: () => clock, ...options });

describe('LucoPy request shapes', () => {
  it('finds or creates the slot, then submits run environment, metrics (zeros too), quality and status', async () => {
    const api = client();
    const before = luco.requests.length;
    const slotId = await api.findSlotId('2024-05-01', definition);
    expect(await api.findSlotId('2024-05-01', definition)).toBe(slotId);
    const seen = luco.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(seen).toEqual(['GET /slots/search/', 'POST /slots/', 'GET /slots/search/']);
    expect(luco.requests[before]?.query.getAll('SlotSequenceDefinition').map((x) => JSON.parse(x))).toEqual([
      { position: 0, key: 'source', value: 'sales' },
      { position: 1, key: 'region', value: 'eu' },
    ]);

    const ref = await api.createSubmission(slotId, {
      stage: 'Download',
      runEnvironments: [{ host: 'w1', cores: 2 }],
    });
    await api.submitMetrics(ref, 'Download', { bytes: 0, objects: 3 });
    await api.submitQuality(ref, {
      stage: 'Download',
      tool: 'parkit-checksum',
      results: { verified: 3 },
      action: 'continued',
    });
    await api.submitStatus(ref, { status: 'Started', stage: 'Download' });
    await api.submitCompletedStatus(ref);

    const metricsPost = luco.requests.find((r) => r.path.endsWith('/metrics') && r.method === 'POST');
    expect(metricsPost?.path).toBe(`/v2/slots/${slotId}/submissions/${ref.submissionId}/metrics`);
    expect(metricsPost?.body).toEqual({
      stage: 'Download',
      metrics: [
        { metric: 'bytes', value: 0 },
        { metric: 'objects', value: 3 },
      ],
    });
    const quality = luco.requests.find((r) => r.path.endsWith('/quality'));
    expect(quality?.body).toEqual({
      stage: 'Download',
      runId: '',
      tool: 'parkit-checksum',
      results: '{"verified":3}',
      dataSet: null,
      action: 'Continued',
    });
    const status = luco.requests.filter((r) => r.path.endsWith('/status')).at(-1);
    expect(status?.body).toEqual({
      runId: '',
      status: 'Completed',
      stage: 'Submission',
      type: null,
      message: null,
      modifiedBy: null,
    });

    const stored = luco.submission(ref.submissionId);
    expect(stored?.metrics).toEqual([
      { stage: 'Download', metric: 'bytes', value: 0 },
      { stage: 'Download', metric: 'objects', value: 3 },
    ]);
    expect(stored?.runEnvironments).toEqual([{ stage: 'Download', data: { host: 'w1', cores: 2 } }]);
    expect(stored?.endedOn).not.toBeNull();

    const view = await api.getSubmission(ref);
    expect(view).toMatchObject({
      slot: { slotId, tag: '2024-05-01' },
      submission: { slotSubmissionId: ref.submissionId, status: 'Completed' },
    });
    expect(await api.getMetrics(ref, { metrics: ['bytes'] })).toEqual([
      { stage: 'Download', metric: 'bytes', value: 0 },
    ]);
  });

  it("LucoPy's find methods", async () => {
    const api = client();
    const older = await api.createSubmission(await api.findSlotId('2024-04-30', definition));
    await api.submitCompletedStatus(older);
    const newer = await api.createSubmission(await api.findSlotId('2024-05-02', definition));
    await api.submitStatus(newer, { status: 'Failed', stage: 'Submission' });

    const latest = await api.findLatestSubmissionBySlotSequence(definition);
    expect(latest?.slotId).toBe(await api.findSlotId('2024-05-01', definition));
    const search = luco.requests.at(-2);
    expect(
      Object.fromEntries(
        [...(search?.query ?? new URLSearchParams())].filter(([k]) => k !== 'SlotSequenceDefinition'),
      ),
    ).toEqual({
      OnlyLatestSlot: 'true',
      OnlyDeliveredSlots: 'true',
      OnlyCompletedSubmissions: 'true',
      OnlyLatestSubmission: 'true',
    });
    const before = await api.findLatestSubmissionBySlotSequence(definition, { expectedBefore: '2024-05-01' });
    expect(before).toEqual(older);
    expect(
      await api.findLatestSubmissionBySlotSequence(definition, { expectedAfter: '2024-05-02' }),
    ).toBeUndefined();
    const all = await api.findSubmissionsBySlotSequence(definition, {
      onlyLatestSlot: false,
      onlyCompletedSubmissions: false,
    });
    expect(all.slots.map((slot) => slot.slotId).length).toBe(3);

    const closest = await api.findSubmissionInSlotSequence(newer, {
      timeDifference: -2 * 86_400,
      onlyCompletedSubmissions: true,
      findClosest: 'historic',
    });
    expect(luco.requests.at(-1)?.query.get('TimeDifference')).toBe('-2:00:00:00');
    expect(closest).toMatchObject({ slotSubmissionId: older.submissionId, isExactMatch: true });
  });
});

describe('tokens', () => {
  it('are renewed once fewer than 30 s of their life remain, on the injected clock', async () => {
    const source = identity(300);
    const api = new LucoClient({ url: luco.url, identity: source, now: () => clock });
    const slotId = await api.findSlotId('2024-05-01', definition);
    expect(source.handed).toHaveLength(1);
    clock += 270_000; // exactly 30 s left: still used
    await api.findSlotId('2024-05-01', definition);
    expect(source.handed).toHaveLength(1);
    clock += 1000; // 29 s left: renewed before the request
    await api.createSubmission(slotId);
    expect(source.handed).toHaveLength(2);
    expect(luco.requests.at(-1)?.authorization).toBe(`Bearer ${source.handed[1]}`);
    expect(
      luco.requests
        .filter((r) => r.authorization === `Bearer ${source.handed[0]}`)
        .every((r) => r.method === 'GET'),
    ).toBe(true);
  });

  it('concurrent calls share one token request; LucoPy-style [token, expiry] pairs work', async () => {
    let calls = 0;
    const api = new LucoClient({
      url: luco.url,
      now: () => clock,
      identity: {
        async generateToken() {
          calls++;
          await new Promise((resolve) => setTimeout(resolve, 20));
          const { token, expires } = luco.issueToken(300);
          return [token, new Date(expires)] as const;
        },
      },
    });
    await Promise.all(Array.from({ length: 5 }, () => api.findSlotId('2024-05-01', definition)));
    expect(calls).toBe(1);
  });

  it('after a 401 the token is renewed and the request sent once more', async () => {
    const source = identity(300);
    const log: LucoLogEntry[] = [];
    const api = new LucoClient({
      url: luco.url,
      identity: source,
      now: () => clock,
      log: (entry) => log.push(entry),
    });
    const slotId = await api.findSlotId('2024-05-01', definition);
    luco.revokeTokens();
    const ref = await api.createSubmission(slotId);
    expect(ref.submissionId).toBeGreaterThan(0);
    expect(source.handed).toHaveLength(2);
    expect(log.slice(-2).map((e) => [e.method, e.status, e.attempt])).toEqual([
      ['POST', 401, 1],
      ['POST', 200, 2],
    ]);
    // Only one submission was made.
    expect(luco.submission(ref.submissionId + 1)).toBeUndefined();
  });

  it('a second 401 is a RemoteServiceError, after exactly two requests', async () => {
    const bad = { generateToken: () => ({ token: 'never-valid-token-123', expires: clock + 3_600_000 }) };
    const api = new LucoClient({ url: luco.url, identity: bad, now: () => clock });
    const before = luco.requests.length;
    const error = await api.findSlotId('2024-05-01', definition).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteServiceError);
    expect(error).toMatchObject({ status: 401, method: 'GET' });
    expect(luco.requests.length - before).toBe(2);
    expect(String((error as Error).message)).not.toContain('never-valid-token-123');
  });

  it('Azure client credentials: Basic client id and secret, the /.default scope, renewal by expires_in', async () => {
    const log: LucoLogEntry[] = [];
    const api = new LucoClient({
      url: luco.url,
      azure: {
        tenantId: 'tenant-1',
        clientId: 'app-1',
        clientSecret: SECRET,
        resourceId: 'api://luco',
        tokenUrl: luco.tokenUrl,
      },
      now: () => clock,
      log: (entry) => log.push(entry),
    });
    const issued = luco.tokensIssued();
    await api.findSlotId('2024-05-01', definition);
    await api.findSlotId('2024-05-01', definition);
    expect(luco.tokensIssued() - issued).toBe(1);
    clock += 571_000; // 29 s of the 600 s left
    await api.findSlotId('2024-05-01', definition);
    expect(luco.tokensIssued() - issued).toBe(2);
    expect(JSON.stringify(log)).not.toContain(SECRET);
  });

  it('a refused token request says why, without the secret', async () => {
    const api = new LucoClient({
      url: luco.url,
      azure: {
        tenantId: 'tenant-1',
        clientId: 'app-1',
        clientSecret: 'wrong-secret-abcdef',
        resourceId: 'api://luco',
        tokenUrl: luco.tokenUrl,
      },
    });
    const error = (await api.findSlotId('x', definition).catch((e: unknown) => e)) as RemoteServiceError;
    expect(error).toBeInstanceOf(RemoteServiceError);
    expect(error.status).toBe(401);
    expect(error.serviceMessage).toMatch(/AADSTS7000215/);
    expect(error.message).toMatch(
      /^Luco token request was refused \(401 POST http:\/\/127\.0\.0\.1:\d+\/tenant-1\/oauth2\/v2\.0\/token\)/,
    );
    const scope = new LucoClient({
      url: luco.url,
      azure: {
        tenantId: 'tenant-1',
        clientId: 'app-1',
        clientSecret: SECRET,
        resourceId: 'api://other',
        tokenUrl: luco.tokenUrl,
      },
    });
    await expect(scope.findSlotId('x', definition)).rejects.toMatchObject({
      status: 400,
      serviceMessage: expect.stringMatching(/scope/),
    });
  });
});

describe('refusals and bad arguments', () => {
  it('map to RemoteServiceError with status, method, redacted URL and the service message', async () => {
    const api = client();
    const unknown = (await api
      .findSlotId('2024-05-01', { source: 'nope' })
      .catch((e: unknown) => e)) as RemoteServiceError;
    expect(unknown).toMatchObject({
      status: 404,
      method: 'POST',
      serviceMessage: 'No slot sequence matches the definition.',
    });
    expect(unknown.url).toMatch(/\/api\/slots\/$/);

    const slotId = await api.findSlotId('2024-05-01', definition);
    luco.failNext(422, {
      title: 'One or more validation errors occurred.',
      status: 422,
      errors: { Stage: ['Too long.'] },
    });
    const invalid = (await api.createSubmission(slotId).catch((e: unknown) => e)) as RemoteServiceError;
    expect(invalid).toMatchObject({
      status: 422,
      serviceMessage: 'One or more validation errors occurred.; Stage: Too long.',
    });

    luco.failNext(500, { title: 'Internal Server Error', status: 500 });
    const search = (await api
      .findSlotId('2024-05-01', definition)
      .catch((e: unknown) => e)) as RemoteServiceError;
    expect(search.status).toBe(500);
    expect(search.url).toMatch(/\/slots\/search\/\?…$/);
    expect(search.message).not.toContain('SlotSequenceDefinition');
  });

  it('a service that echoes the token gets it scrubbed', async () => {
    const source = identity();
    const api = new LucoClient({ url: luco.url, identity: source, now: () => clock });
    const slotId = await api.findSlotId('2024-05-01', definition);
    luco.failNext(400, {
      title: 'Bad Request',
      detail: `rejected Authorization: Bearer ${source.handed[0]}`,
    });
    const error = (await api.createSubmission(slotId).catch((e: unknown) => e)) as RemoteServiceError;
    expect(error.serviceMessage).toBe('rejected Authorization: Bearer …');
  });

  it('the network failing is a TransferError; bad arguments are TypeError/RangeError', async () => {
    const closed = await startLucoServer();
    const url = closed.url;
    await closed.close();
    const api = new LucoClient({ url, identity: identity() });
    await expect(api.findSlotId('x', definition)).rejects.toMatchObject({ code: 'PARKIT_TRANSFER_FAILED' });

    expect(() => new LucoClient({ url: 'http://luco.example.org/api', identity: identity() })).toThrow(
      /https/,
    );
    expect(() => new LucoClient({ url: luco.url })).toThrow(TypeError);
    expect(
      () =>
        new LucoClient({
          url: luco.url,
          identity: identity(),
          azure: { tenantId: 't', clientId: 'c', clientSecret: 's', resourceId: 'r' },
        }),
    ).toThrow(/not both/);
    const ok = client();
    await expect(ok.findSlotId('x', [{ a: '1', b: '2' }])).rejects.toThrow(TypeError);
    await expect(ok.submitMetrics({ slotId: 1, submissionId: 1 }, 'S', { rows: Number.NaN })).rejects.toThrow(
      RangeError,
    );
    await expect(
      ok.findSubmissionInSlotSequence({ slotId: 1, submissionId: 1 }, { timeDifference: '1 day' }),
    ).rejects.toThrow(RangeError);
    await expect(ok.createSubmission(-1)).rejects.toThrow(TypeError);
    const broken = new LucoClient({
      url: luco.url,
      identity: { generateToken: () => ({ token: '', expires: 0 }) },
    });
    await expect(broken.findSlotId('x', definition)).rejects.toThrow(/non-empty token/);
  });
});

describe('a Downloader run exported to Luco and the parkit server at once', () => {
  it('records the same submission on both', async () => {
    const t = await startServer();
    try {
      const observer = new ParkitObserver({ url: t.server.url, adminKey: t.adminKey });
      await observer.putSequence({ name: 'sales-eu' });
      const recorder = combineRecorders(
        observer,
        new LucoRecorder(client(), { definitions: { 'sales-eu': definition }, now: () => clock }),
      );
      const me = await keyPair();
      const dir = mkdtempSync(join(tmpdir(), 'parkit-luco-src-'));
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'a.csv'), 'x,y\n');
      const par = await Par.create({
        url: pathToFileURL(dir).href,
        driver: 'file',
        target: { kind: 'bucket' },
        permissions: ['read', 'list'],
        expires: { hours: 1 },
        recipients: [me.recipient],
      });
      const result = await new Downloader(mkdtempSync(join(tmpdir(), 'parkit-luco-out-')), {
        identity: me.identity,
      }).download(par, {
        observe: { recorder, sequence: 'sales-eu', tag: '2024-05-03' },
      });
      const mine = await observer.getSubmission(result.submission as NonNullable<typeof result.submission>);
      expect(mine.completed).toBeDefined();
      const slotId = await client().findSlotId('2024-05-03', definition);
      const exported = luco.submission(
        (await client().findLatestSubmissionBySlotSequence(definition, { expectedAfter: '2024-05-03' }))
          ?.submissionId ?? -1,
      );
      expect(exported?.slotId).toBe(slotId);
      expect(exported?.metrics.map((m) => [m.metric, m.value])).toEqual(
        mine.metrics.map((m) => [m.metric, m.value]),
      );
      expect(exported?.statuses.map((s) => s.status)).toEqual(['Started', 'Completed']);
      expect(exported?.quality[0]).toMatchObject({ tool: 'parkit-checksum', action: 'Continued' });
    } finally {
      await t.stop();
    }
  });

  it('the recorder refuses a sequence it has no definition for', async () => {
    const recorder = new LucoRecorder(client(), { definitions: { 'sales-eu': definition } });
    await expect(recorder.start({ sequence: 'other' })).rejects.toThrow(/no Luco slot sequence definition/);
  });
});

describe('no secret in any error, log or rendering', () => {
  it('tokens and the client secret never show', async () => {
    const log: LucoLogEntry[] = [];
    const source = identity();
    const api = new LucoClient({
      url: luco.url,
      identity: source,
      now: () => clock,
      log: (e) => log.push(e),
    });
    const azure = new LucoClient({
      url: luco.url,
      azure: {
        tenantId: 'tenant-1',
        clientId: 'app-1',
        clientSecret: SECRET,
        resourceId: 'api://luco',
        tokenUrl: luco.tokenUrl,
      },
      log: (e) => log.push(e),
    });
    const errors: unknown[] = [];
    for (const call of [
      () => api.findSlotId('2024-05-01', { source: 'nope' }),
      () => azure.findSlotId('2024-05-01', { source: 'nope' }),
      () => {
        luco.revokeTokens();
        return api.createSubmission(999_999);
      },
    ]) {
      errors.push(await call().catch((e: unknown) => e));
    }
    expect(errors.every((e) => isParkitError(e))).toBe(true);
    const shown = [
      ...errors.flatMap((e) => [
        String(e),
        inspect(e, { depth: 10, showHidden: true }),
        JSON.stringify(e),
        (e as Error).stack ?? '',
      ]),
      JSON.stringify(log),
      String(api),
      inspect(api, { depth: 10, showHidden: true }),
      JSON.stringify(api),
      inspect(azure, { depth: 10, showHidden: true }),
      JSON.stringify(azure),
    ].join('\n');
    for (const secret of [SECRET, ...source.handed]) expect(shown).not.toContain(secret);
    expect(source.handed.length).toBeGreaterThan(0);
  });
});
