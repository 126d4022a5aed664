/**
 * The checksum calculation end to end, on a real server over a real socket with real workers:
 * an executable Par reads an input prefix and writes a report to an output prefix; the job's
 * record names the input versions it read and the output it wrote, and survives in the listing.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BucketReader, isFinalStatus, type JobStatus, Par } from '../../src/index.js';
import { type ComputeServer, SEED, startComputeServer } from './helpers.js';

let s: ComputeServer;
beforeAll(async () => {
  s = await startComputeServer();
});
afterAll(() => s.stop());

const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

describe('the checksum calculation', () => {
  it('hashes the input prefix and writes a verified report through the output grant', async () => {
    const { par } = await s.runner({
      calculation: 'checksumReport',
      arguments: { prefix: 'in/' },
      settable: ['algorithm'],
      inputs: { data: { bucket: 'data', prefix: 'in/' } },
      outputs: { reports: { bucket: 'data', prefix: 'reports/' } },
      name: 'checksums of in/',
    });
    expect(par.isExecutable()).toBe(true);
    expect(par.target).toEqual({ kind: 'calculation', name: 'checksumReport' });

    // The holder gets it as a token and opens it.
    const received = Par.fromToken(par.toToken());
    const holder = await received.execute(s.identity);
    const description = await holder.describe();
    expect(description.arguments).toMatchObject({ settable: ['algorithm'], bound: ['prefix'] });
    expect(description.inputs.data).toEqual({ bucket: 'data', prefix: 'in/', permissions: ['read', 'list'] });

    const seen: JobStatus[] = [];
    const job = await holder.start({ algorithm: 'sha256' });
    const result = (await job.result({ onProgress: (status) => seen.push(status) })) as {
      report: string;
      objects: number;
      mismatches: number;
      sha256: string;
    };
    expect(result).toMatchObject({ report: 'reports/checksums.json', objects: 3, mismatches: 0 });
    // Progress arrived in order and ended in the final state.
    expect(seen.map((status) => status.version)).toEqual(
      [...seen.map((status) => status.version)].sort((a, b) => a - b),
    );
    expect(seen.at(-1)?.state).toBe('succeeded');
    expect(seen.some((status) => status.state === 'running')).toBe(true);

    // The report, read back through the owner's Par, holds the true digests.
    const reader = (await s.ownerPar.read(s.identity)) as BucketReader;
    const report = await reader.getObjectFromJson<{
      objects: { key: string; digest: string; matchesStore: boolean }[];
    }>('reports/checksums.json');
    const expected = Object.entries(SEED)
      .filter(([key]) => key.startsWith('in/'))
      .map(([key, text]) => ({ key, digest: sha256(text), matchesStore: true }));
    expect(report.objects.map(({ key, digest, matchesStore }) => ({ key, digest, matchesStore }))).toEqual(
      expected,
    );

    // The record names each input version read and the output written, with the store's facts.
    const final = await job.status();
    expect(isFinalStatus(final)).toBe(true);
    expect(final.inputs.map((input) => [input.key, input.sha256])).toEqual(
      expected.map((e) => [e.key, e.digest]),
    );
    for (const input of final.inputs) {
      const stat = await reader.stat(input.key);
      expect(input).toMatchObject({ grant: 'data', bucket: 'data', etag: stat.etag, size: stat.size });
    }
    const written = await reader.getObject('reports/checksums.json');
    expect(final.outputs).toEqual([
      expect.objectContaining({
        grant: 'reports',
        key: 'reports/checksums.json',
        sha256: sha256(written),
        size: written.length,
      }),
    ]);
    expect(result.sha256).toBe(sha256(written));
    expect(final.arguments).toEqual({ algorithm: 'sha256' }); // bound ones stay the issuer's
    expect(final.started && final.finished && final.finished >= final.started).toBe(true);

    const logs = await job.logs();
    expect(logs.lines.map((line) => line.text)).toContain('hashing 3 objects with sha256');

    // It is listed for the Par, and for the operator with every argument.
    expect((await holder.jobs()).map((j) => j.id)).toEqual([job.id]);
    const [operator] = await s.admin.listJobs({ par });
    expect(operator).toMatchObject({ id: job.id, state: 'succeeded', parId: par.id });
    expect(operator?.allArguments).toEqual({ prefix: 'in/', algorithm: 'sha256', report: 'checksums.json' });
  });

  it('reads only inside its grants: the server refuses anything else the worker tries', async () => {
    const { runner } = await s.runner({
      calculation: 'reach',
      inputs: { data: { bucket: 'data', prefix: 'in/' } },
      outputs: { out: { bucket: 'data', prefix: 'out/' } },
    });
    const result = await (await runner.start()).result();
    expect(result).toEqual({
      inside: SEED['in/a.txt']?.length,
      readOutside: 403,
      listOutside: 403,
      writeInput: 403,
      writeOutside: 403,
      otherBucket: 403,
    });
    // Nothing was written anywhere by the refused attempts.
    const reader = (await s.ownerPar.read(s.identity)) as BucketReader;
    const names = await reader.getAllObjectNames();
    expect(names).not.toContain('in/new.txt');
    expect(names).not.toContain('elsewhere.txt');
  });

  it("closes the worker's grants when the job ends", async () => {
    const { runner } = await s.runner({
      calculation: 'checksumReport',
      inputs: { data: { bucket: 'data', prefix: 'in/' } },
      outputs: { reports: { bucket: 'data', prefix: 'reports/' } },
    });
    const job = await runner.start();
    await job.wait();
    const internal = (await s.admin.listPars({ bucket: 'data' })).filter((entry) =>
      entry.name?.startsWith(`job ${job.id}`),
    );
    expect(internal).toEqual([]);
  });
});
