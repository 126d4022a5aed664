// Fails in the ways that could leak: a message naming host paths, the job's own access URL and
// (were it there) the admin key from the environment; console output and context.log too.
import { workerData } from 'node:worker_threads';
import { Par } from '../../../src/index.ts';

export const inputs = ['data'];
export async function crash(_args, context) {
  const url = await Par.fromData(workerData.inputs.data).url(workerData.identity);
  const here = new URL(import.meta.url).pathname;
  console.log(`starting in ${process.cwd()} from ${here}`);
  console.error(`my grant is ${url} and my identity ${workerData.identity}`);
  context.log(
    `admin key in env: ${'PARKIT_ADMIN_KEY' in process.env}; signing key in env: ${'PARKIT_SIGNING_KEY' in process.env}`,
  );
  context.progress({ fraction: 0.5, message: `reading ${here}` });
  throw new Error(
    `could not open ${here} via ${url} (identity ${workerData.identity}, admin key ${process.env.PARKIT_ADMIN_KEY})`,
  );
}
