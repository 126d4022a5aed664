/**
 * A calculation for the compute service: hash every object under the input grant (optionally
 * only under `prefix`), check each SHA-256 against the one the store keeps, and write a JSON
 * report through the output grant. Run by `npm start`; see docs/compute.md.
 */
import { createHash } from 'node:crypto';
import type { CalculationContext } from '../../src/server/index.js';

/** The arguments, as JSON Schema (the subset parkit checks). */
export const schema = {
  type: 'object',
  properties: {
    prefix: { type: 'string', maxLength: 512, description: 'only keys under this prefix', default: '' },
    algorithm: { enum: ['sha256', 'sha512', 'sha1'], default: 'sha256' },
    report: {
      type: 'string',
      pattern: '^[A-Za-z0-9._-]{1,100}$',
      default: 'checksums.json',
      description: 'name of the report, written under the output grant prefix',
    },
  },
  additionalProperties: false,
};
export const inputs = ['data'];
export const outputs = ['reports'];
export const limits = { timeoutMs: 60_000, memoryMb: 128 };
export const description = 'Checksums of every input object, verified against the store, as a JSON report';

interface Args {
  readonly prefix: string;
  readonly algorithm: 'sha256' | 'sha512' | 'sha1';
  readonly report: string;
}

/** One line of the report. */
interface Checked {
  readonly key: string;
  readonly size: number;
  readonly digest: string;
  /** Whether the SHA-256 matches the store's (sha256 only). */
  readonly matchesStore?: boolean;
}

export async function checksumReport(args: Record<string, unknown>, context: CalculationContext) {
  const { prefix, algorithm, report } = args as unknown as Args;
  const data = context.inputs.data;
  const reports = context.outputs.reports;
  if (data === undefined || reports === undefined)
    throw new Error('the Par must grant inputs.data and outputs.reports');
  const { signal } = context;
  const keys = await data.getAllObjectNames({ ...(prefix === '' ? {} : { prefix }), signal });
  context.log(`hashing ${keys.length} objects with ${algorithm}`);
  const checked: Checked[] = [];
  let bytes = 0;
  for (const [index, key] of keys.entries()) {
    context.progress({ done: index, total: keys.length, message: key });
    const hash = createHash(algorithm);
    let size = 0;
    for await (const chunk of await data.getObjectStream(key, { signal })) {
      hash.update(chunk);
      size += chunk.length;
    }
    const digest = hash.digest('hex');
    const stored = algorithm === 'sha256' ? (await data.stat(key, { signal })).sha256 : undefined;
    checked.push({ key, size, digest, ...(stored === undefined ? {} : { matchesStore: stored === digest }) });
    bytes += size;
  }
  const key = `${reports.par.target.prefix ?? ''}${report}`;
  const written = await reports.setObjectFromJson(
    key,
    { v: 1, job: context.jobId, algorithm, prefix, objects: checked, bytes },
    { signal },
  );
  context.progress({ done: keys.length, total: keys.length, message: 'report written' });
  const mismatches = checked.filter((entry) => entry.matchesStore === false).length;
  return { report: key, sha256: written.sha256, objects: checked.length, bytes, mismatches };
}
