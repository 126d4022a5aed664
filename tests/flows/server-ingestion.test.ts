/**
 * Ingestion flows: an http URL (a node:http server on loopback) fetched into a dataset on the
 * flow's interval, a new data version only when the bytes changed, downstream flows started by
 * the ingestion; a Par token sealed to the server's flow recipient as the source; sources that
 * fail; and neither the URL nor the token ever shown.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowServer, startFlowServer } from './helpers.js';

let flows: FlowServer;
let source: Server;
let sourceUrl: string;
let served = 'first,1\n';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  source = createServer((request, response) => {
    if (request.url?.startsWith('/data.csv?')) {
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.end(served);
    } else {
      response.writeHead(500);
      response.end('no');
    }
  });
  await new Promise<void>((done) => source.listen(0, '127.0.0.1', done));
  sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;
  flows = await startFlowServer();
});
afterAll(async () => {
  await flows.stop();
  await new Promise((done) => source.close(done));
});

describe('ingestion from a URL', () => {
  it('fetches on its interval, versions only changed bytes, and starts what reads the dataset', async () => {
    const created = await flows.api('POST', 'flows', {
      name: 'fetch-csv',
      policy: 'ingestion',
      intervalSeconds: 60,
      ingestion: { url: `${sourceUrl}/data.csv?token=not-for-anyone`, bucket: 'src', key: 'ingest/data.csv' },
    });
    expect(created.status).toBe(201);
    expect(created.body.ingestion).toEqual({ source: 'url', bucket: 'src', key: 'ingest/data.csv' });
    expect(JSON.stringify((await flows.api('GET', 'flows/fetch-csv')).body)).not.toContain('not-for-anyone');
    await flows.api('POST', 'flows', {
      name: 'after-fetch',
      calculation: 'concat',
      policy: 'any',
      inputs: { csv: { bucket: 'src', key: 'ingest/data.csv' } },
      outputs: { result: { bucket: 'out', prefix: 'after-fetch/' } },
    });

    const first = (await flows.tick()).find((run) => run.trigger === 'ingestion');
    expect(first).toBeDefined();
    await flows.idle();
    const run = (await flows.api('GET', `provenance/${first?.id}`)).body;
    expect(run).toMatchObject({
      state: 'succeeded',
      inputs: [],
      outputs: [{ name: 'dataset', data: 'src/ingest/data.csv', version: 1, checksum: sha('first,1\n') }],
    });
    expect(await flows.outReader.getStringObject('after-fetch/result.txt')).toBe('first,1\n');
    expect((await flows.api('GET', 'flows/after-fetch/runs')).body.items).toHaveLength(1);

    // Same bytes on the next interval: a run, but no new version and nothing downstream.
    flows.advance(60);
    await flows.tick();
    const versions = () => flows.api('GET', `data/${encodeURIComponent('src/ingest/data.csv')}/versions`);
    expect((await versions()).body.items).toHaveLength(1);
    expect((await flows.api('GET', 'flows/after-fetch/runs')).body.items).toHaveLength(1);

    served = 'second,2\n';
    flows.advance(60);
    await flows.tick();
    const latest = (await versions()).body.items[0];
    expect(latest).toMatchObject({ version: 2, checksum: sha('second,2\n'), contentType: 'text/csv' });
    expect((await flows.api('GET', 'flows/after-fetch/runs')).body.items).toHaveLength(2);
    expect(await flows.outReader.getStringObject('after-fetch/result.txt')).toBe('second,2\n');
  });

  it('records a failing source without its address', async () => {
    await flows.api('POST', 'flows', {
      name: 'fetch-broken',
      policy: 'ingestion',
      ingestion: { url: `${sourceUrl}/broken?key=hidden-value`, bucket: 'src', key: 'ingest/broken' },
      retry: { maxAttempts: 1 },
    });
    const started = await flows.api('POST', 'flows/fetch-broken/run');
    await flows.idle();
    const run = (await flows.api('GET', `provenance/${started.body.id}`)).body;
    expect(run).toMatchObject({ state: 'failed', error: 'the ingestion source answered 500' });
    expect(JSON.stringify(run)).not.toContain('hidden-value');
  });
});

describe('ingestion from a Par', () => {
  it('reads the object a Par sealed to the flow recipient grants', async () => {
    const first = (await flows.api('GET', 'flow-recipient')).body.recipient;
    expect(first).toMatch(/^age1[0-9a-z]+$/);
    expect((await flows.api('GET', 'flow-recipient')).body.recipient).toBe(first);
    await flows.src.setStringObject('remote/table.txt', 'from a par\n');
    const par = await flows.base.admin.createPar({
      bucket: 'src',
      key: 'remote/table.txt',
      permissions: ['read'],
      expires: { hours: 1 },
      recipients: [first],
    });
    const token = par.toToken();
    const created = await flows.api('POST', 'flows', {
      name: 'fetch-par',
      policy: 'ingestion',
      ingestion: { par: token, bucket: 'out', key: 'ingested/table.txt' },
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(token);
    const started = await flows.api('POST', 'flows/fetch-par/run');
    await flows.idle();
    const run = (await flows.api('GET', `provenance/${started.body.id}`)).body;
    expect(run).toMatchObject({
      state: 'succeeded',
      outputs: [{ data: 'out/ingested/table.txt', version: 1 }],
    });
    expect(await flows.outReader.getStringObject('ingested/table.txt')).toBe('from a par\n');
  });

  it('refuses a Par not sealed to the flow recipient', async () => {
    const par = await flows.base.admin.createPar({
      bucket: 'src',
      key: 'remote/table.txt',
      permissions: ['read'],
      expires: { hours: 1 },
      recipients: [flows.base.recipient],
    });
    const answer = await flows.api('POST', 'flows', {
      name: 'fetch-foreign',
      policy: 'ingestion',
      ingestion: { par: par.toToken(), bucket: 'out', key: 'ingested/foreign.txt' },
    });
    expect([answer.status, answer.body.code, answer.body.field]).toEqual([
      400,
      'INVALID_FLOW',
      'ingestion.par',
    ]);
    expect((await flows.api('GET', 'flows/fetch-foreign')).status).toBe(404);
  });
});
