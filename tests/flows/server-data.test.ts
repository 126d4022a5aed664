/**
 * Data tracking: versions by SHA-256 of objects and prefixes, recorded only when the content
 * changed, listed newest first with pagination; refusals of the data API.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatFlow, type FlowServer, startFlowServer } from './helpers.js';

let flows: FlowServer;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  flows = await startFlowServer();
});
afterAll(async () => {
  await flows.stop();
});

describe('data versions', () => {
  it('tracks an object and a prefix a flow names, a version per distinct content', async () => {
    await flows.src.setStringObject('d/one.txt', 'one\n');
    await flows.src.setStringObject('d/two.txt', 'two\n');
    const created = await flows.api(
      'POST',
      'flows',
      concatFlow('tracker', 'none', { one: { key: 'd/one.txt' }, all: { prefix: 'd/' } }),
    );
    expect(created.status).toBe(201);
    const run = await flows.api('POST', 'flows/tracker/run');
    expect(run.status).toBe(202);
    await flows.idle();
    const listed = await flows.api('GET', 'data?limit=1000');
    const ids = listed.body.items.map((item: { id: string }) => item.id);
    expect(ids).toEqual(expect.arrayContaining(['src/d/one.txt', 'src/d/*', 'out/tracker/result.txt']));
    const one = listed.body.items.find((item: { id: string }) => item.id === 'src/d/one.txt');
    expect(one).toMatchObject({
      bucket: 'src',
      key: 'd/one.txt',
      latest: { version: 1, checksum: sha('one\n'), size: 4 },
    });
    const prefix = listed.body.items.find((item: { id: string }) => item.id === 'src/d/*');
    const lines = `d/one.txt\t${sha('one\n')}\nd/two.txt\t${sha('two\n')}\n`;
    expect(prefix).toMatchObject({
      bucket: 'src',
      prefix: 'd/',
      latest: { version: 1, checksum: sha(lines), size: 8 },
    });

    // The same content again is no new version; different content is.
    await flows.src.setStringObject('d/one.txt', 'one\n');
    await (await flows.api('POST', 'flows/tracker/run')).body;
    await flows.idle();
    let versions = await flows.api('GET', `data/${encodeURIComponent('src/d/one.txt')}/versions`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    await flows.src.setStringObject('d/one.txt', 'uno\n');
    await flows.api('POST', 'flows/tracker/run');
    await flows.idle();
    versions = await flows.api('GET', `data/${encodeURIComponent('src/d/one.txt')}/versions`);
    expect(
      versions.body.items.map((v: { version: number; checksum: string }) => [v.version, v.checksum]),
    ).toEqual([
      [2, sha('uno\n')],
      [1, sha('one\n')],
    ]);
    const page = await flows.api('GET', `data/${encodeURIComponent('src/d/one.txt')}/versions?limit=1`);
    expect(page.body.items.map((v: { version: number }) => v.version)).toEqual([2]);
    const rest = await flows.api(
      'GET',
      `data/${encodeURIComponent('src/d/one.txt')}/versions?limit=1&cursor=${page.body.next}`,
    );
    expect(rest.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    expect(rest.body.next).toBeUndefined();
  });

  it('refuses unknown data, bad limits and forged cursors', async () => {
    const missing = await flows.api('GET', `data/${encodeURIComponent('src/nothing')}/versions`);
    expect([missing.status, missing.body.code]).toEqual([404, 'DATA_NOT_FOUND']);
    const limit = await flows.api('GET', 'data?limit=1001');
    expect([limit.status, limit.body.code]).toEqual([400, 'INVALID_QUERY']);
    const cursor = await flows.api('GET', 'data?cursor=bm90LWEtY3Vyc29y');
    expect([cursor.status, cursor.body.code]).toEqual([400, 'INVALID_CURSOR']);
  });
});
