/**
 * `ParkitFlows` checks what callers pass before any request (TypeError / RangeError naming the
 * field, never quoting an ingestion URL or token), and reads the server's answers strictly
 * (a malformed answer is a FormatError naming the field).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type FlowDefinition, FormatError, ParkitFlows } from '../../src/index.js';

const KEY = 'admin-key-5f1d2c3b4a';
const SIGNED = 'https://store.example/in.csv?X-Amz-Signature=c0ffee0123456789';

/** A client whose every request is recorded and answered with `answer`. */
function client(answer: unknown = {}, status = 200) {
  const requests: string[] = [];
  const flows = new ParkitFlows({
    url: 'http://127.0.0.1:9',
    adminKey: KEY,
    fetch: async (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return new Response(JSON.stringify(answer), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    },
  });
  return { flows, requests };
}

const valid: FlowDefinition = {
  name: 'q3-checks',
  calculation: 'checksumReport',
  inputs: { data: { bucket: 'reports', prefix: 'q3/' } },
  outputs: { reports: { bucket: 'reports', prefix: 'checks/' } },
  policy: 'any',
};

describe('the ParkitFlows constructor', () => {
  it.each([
    [undefined, TypeError],
    [{ url: 'ftp://x', adminKey: KEY }, TypeError],
    [{ url: 'http://127.0.0.1:9?x=1', adminKey: KEY }, TypeError],
    [{ url: 'http://127.0.0.1:9', adminKey: ' ' }, TypeError],
    [{ url: 'http://127.0.0.1:9', adminKey: KEY, timeout: 0 }, RangeError],
  ])('refuses %j', (options, type) => {
    expect(() => new ParkitFlows(options as never)).toThrow(type);
  });

  it('never shows the admin key', () => {
    const { flows } = client();
    for (const text of [String(flows), inspect(flows), JSON.stringify(flows)]) {
      expect(text).toContain('http://127.0.0.1:9');
      expect(text).not.toContain(KEY);
    }
  });
});

describe('createFlow refuses a bad definition before any request', () => {
  it.each<[string, Record<string, unknown>, ErrorConstructor, RegExp]>([
    ['no object', { name: undefined }, TypeError, /name/],
    ['an upper-case name', { name: 'Q3' }, RangeError, /name/],
    ['a long name', { name: 'x'.repeat(60) }, RangeError, /name/],
    ['an unknown policy', { policy: 'sometimes' }, RangeError, /policy/],
    ['no calculation', { calculation: undefined }, TypeError, /calculation/],
    ['arguments not an object', { arguments: ['x'] }, TypeError, /arguments/],
    ['inputs not an object', { inputs: 'reports/q3/*' }, TypeError, /inputs/],
    ['an input without bucket', { inputs: { data: { key: 'a' } } }, TypeError, /inputs\.data\.bucket/],
    [
      'an input with key and prefix',
      { inputs: { data: { bucket: 'b', key: 'a', prefix: 'p/' } } },
      TypeError,
      /not both/,
    ],
    ['a version 0', { inputs: { data: { bucket: 'b', key: 'a', version: 0 } } }, RangeError, /version/],
    ['a version 1.5', { inputs: { data: { bucket: 'b', key: 'a', version: 1.5 } } }, RangeError, /version/],
    ['a __proto__ input', { inputs: JSON.parse('{"__proto__":{"bucket":"b"}}') }, RangeError, /inputs/],
    ['an output without bucket', { outputs: { reports: { prefix: 'x/' } } }, TypeError, /outputs/],
    ['a timer without interval', { policy: 'timer' }, TypeError, /intervalSeconds/],
    ['a zero interval', { policy: 'timer', intervalSeconds: 0 }, RangeError, /intervalSeconds/],
    ['an interval on any', { intervalSeconds: 60 }, TypeError, /intervalSeconds/],
    ['retry attempts 0', { retry: { maxAttempts: 0 } }, RangeError, /maxAttempts/],
    ['a negative retry delay', { retry: { delaySeconds: -1 } }, RangeError, /delaySeconds/],
    [
      'ingestion on a calculation',
      { ingestion: { url: SIGNED, bucket: 'b', key: 'k' } },
      TypeError,
      /ingestion/,
    ],
    [
      'an ingestion flow with a calculation',
      { policy: 'ingestion', ingestion: { url: SIGNED, bucket: 'b', key: 'k' } },
      TypeError,
      /calculation/,
    ],
    [
      'an ingestion flow without a source',
      { policy: 'ingestion', calculation: undefined, ingestion: { bucket: 'b', key: 'k' } },
      TypeError,
      /url or a par/,
    ],
    [
      'an ingestion flow with url and par',
      {
        policy: 'ingestion',
        calculation: undefined,
        ingestion: { url: SIGNED, par: 'par1x', bucket: 'b', key: 'k' },
      },
      TypeError,
      /not both/,
    ],
    [
      'an ingestion flow from ftp',
      {
        policy: 'ingestion',
        calculation: undefined,
        ingestion: { url: 'ftp://store.example/x?sig=c0ffee0123456789', bucket: 'b', key: 'k' },
      },
      TypeError,
      /http\(s\)/,
    ],
    [
      'an ingestion Par that is not a token',
      { policy: 'ingestion', calculation: undefined, ingestion: { par: SIGNED, bucket: 'b', key: 'k' } },
      TypeError,
      /par1/,
    ],
    [
      'an ingestion flow without key',
      { policy: 'ingestion', calculation: undefined, ingestion: { url: SIGNED, bucket: 'b' } },
      TypeError,
      /ingestion\.key/,
    ],
  ])('%s', async (_, change, type, message) => {
    const { flows, requests } = client();
    const definition = { ...valid, ...change };
    const error = await flows.createFlow(definition as FlowDefinition).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('c0ffee0123456789');
    expect(requests).toEqual([]);
  });
});

describe('the other calls refuse bad arguments before any request', () => {
  it.each<[string, (flows: ParkitFlows) => Promise<unknown>, ErrorConstructor]>([
    ['getFlow("")', (f) => f.getFlow(''), TypeError],
    ['deleteFlow(42)', (f) => f.deleteFlow(42 as never), TypeError],
    ['runFlow(null)', (f) => f.runFlow(null as never), TypeError],
    ['listFlows limit 0', (f) => f.listFlows({ limit: 0 }), RangeError],
    ['listFlows limit 1001', (f) => f.listFlows({ limit: 1001 }), RangeError],
    ['listFlows limit "5"', (f) => f.listFlows({ limit: '5' as never }), TypeError],
    ['listFlows cursor ""', (f) => f.listFlows({ cursor: '' }), TypeError],
    ['listRuns("")', (f) => f.listRuns(''), TypeError],
    ['listData limit 2.5', (f) => f.listData({ limit: 2.5 }), RangeError],
    ['listVersions("")', (f) => f.listVersions(''), TypeError],
    ['listVersions({ bucket })', (f) => f.listVersions({ key: 'x' } as never), TypeError],
    ['listProvenance flow ""', (f) => f.listProvenance({ flow: '' }), TypeError],
    ['getProvenance("")', (f) => f.getProvenance(''), TypeError],
    ['lineage with options null', (f) => f.lineage('b/k', null as never), TypeError],
    ['lineage sideways', (f) => f.lineage('b/k', { direction: 'sideways' as never }), RangeError],
    ['lineage version 0', (f) => f.lineage('b/k', { direction: 'upstream', version: 0 }), RangeError],
    ['lineage depth 17', (f) => f.lineage('b/k', { direction: 'upstream', depth: 17 }), RangeError],
    ['lineage of ""', (f) => f.lineage('', { direction: 'downstream' }), TypeError],
  ])('%s', async (_, call, type) => {
    const { flows, requests } = client();
    await expect(call(flows)).rejects.toThrow(type);
    expect(requests).toEqual([]);
  });

  it('the all… iterators check their arguments when called, before any request', () => {
    const { flows, requests } = client();
    expect(() => flows.allFlows({ limit: 0 })).toThrow(RangeError);
    expect(() => flows.allRuns('')).toThrow(TypeError);
    expect(() => flows.allVersions('')).toThrow(TypeError);
    expect(() => flows.allProvenance({ flow: '' })).toThrow(TypeError);
    expect(() => flows.allData({ cursor: '' })).toThrow(TypeError);
    expect(requests).toEqual([]);
  });
});

describe('requests and answers', () => {
  it('encodes data ids as one path segment and sends the lineage query', async () => {
    const { flows, requests } = client({
      root: { data: 'b/q3/*', version: 2 },
      versions: [],
      runs: [],
      edges: [],
    });
    await flows.lineage({ bucket: 'b', prefix: 'q3/' }, { direction: 'downstream', version: 2, depth: 3 });
    const { requests: more, flows: other } = client({ items: [] });
    await other.listVersions('b/a b.csv', { limit: 5 });
    expect(requests).toEqual([
      'GET http://127.0.0.1:9/admin/v1/lineage?data=b%2Fq3%2F*&version=2&direction=downstream&depth=3',
    ]);
    expect(more).toEqual(['GET http://127.0.0.1:9/admin/v1/data/b%2Fa%20b.csv/versions?limit=5']);
  });

  it('follows next cursors in the all… iterators', async () => {
    const pages: Record<string, unknown> = {
      '': { items: [{ id: 'b/1', bucket: 'b', key: '1' }], next: 'c2' },
      c2: { items: [{ id: 'b/2', bucket: 'b', key: '2' }] },
    };
    const seen: string[] = [];
    const flows = new ParkitFlows({
      url: 'http://127.0.0.1:9',
      adminKey: KEY,
      fetch: async (input) => {
        const cursor = new URL(String(input)).searchParams.get('cursor') ?? '';
        seen.push(cursor);
        return Response.json(pages[cursor]);
      },
    });
    const ids: string[] = [];
    for await (const data of flows.allData({ limit: 1 })) ids.push(data.id);
    expect(ids).toEqual(['b/1', 'b/2']);
    expect(seen).toEqual(['', 'c2']);
  });

  it.each<[string, (flows: ParkitFlows) => Promise<unknown>, unknown, string]>([
    ['a flow without id', (f) => f.getFlow('x'), { name: 'x' }, 'flow.id'],
    [
      'a flow with a bad policy',
      (f) => f.getFlow('x'),
      {
        id: '1',
        name: 'x',
        policy: 'often',
        retry: { maxAttempts: 3, delaySeconds: 30 },
        created: '2026-01-01',
      },
      'flow.policy',
    ],
    [
      'a run without inputs',
      (f) => f.getProvenance('r'),
      {
        id: 'r',
        flow: 'f',
        flowName: 'x',
        attempt: 1,
        trigger: 'manual',
        state: 'running',
        started: '2026-01-01T00:00:00Z',
      },
      'run.inputs',
    ],
    ['a page without items', (f) => f.listFlows(), { flows: [] }, 'items'],
    [
      'a version with a bad time',
      (f) => f.listVersions('b/k'),
      { items: [{ data: 'b/k', version: 1, checksum: 'ab', size: 1, created: 'yesterday' }] },
      'version.created',
    ],
    ['a recipient that is not age', (f) => f.flowRecipient(), { recipient: 'AGE-SECRET-KEY-1' }, 'recipient'],
  ])('%s is a FormatError', async (_, call, answer, field) => {
    const error = await call(client(answer).flows).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).field).toBe(field);
  });
});
