/**
 * `npm start` (examples/demo.ts) runs to the end, including its compute step (the checksum
 * calculation over the data it uploaded, and the refusal of a second run) and its flow step
 * (that calculation as a flow, run by hand, then again by a change of its input).
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm start', () => {
  it('runs the whole tour, the calculation step included', async () => {
    const output = await new Promise<string>((done, fail) =>
      execFile(
        'node',
        ['--import', 'tsx', resolve(import.meta.dirname, '../../examples/demo.ts')],
        { timeout: 60_000 },
        (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
      ),
    );
    expect(output).toContain('calculations on the server: checksumReport');
    expect(output).toMatch(
      /result: \{"report":"checks\/checksums\.json","sha256":"[0-9a-f]{64}","objects":3,"bytes":97,"mismatches":0\}/,
    );
    expect(output).toContain('outputs written: checks/checksums.json');
    expect(output).toContain('a second run is refused: PARKIT_QUOTA_EXHAUSTED');
    expect(output).toContain(
      'run manual succeeded: read reports/q3/*@1; wrote reports/flow-checks/checksums.json@1',
    );
    expect(output).toContain(
      'run change succeeded: read reports/q3/*@2; wrote reports/flow-checks/checksums.json@2',
    );
    expect(output).toContain(
      'lineage: reports/q3/*@2 → reports/flow-checks/checksums.json@2 (change run of q3-checks)',
    );
    expect(output.trimEnd().endsWith('Done.')).toBe(true);
  });
});
