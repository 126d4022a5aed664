// Tries to reach outside its grants with the raw access URLs of its worker: the server must
// refuse (its checks, not the client classes', are the boundary).
import { workerData } from 'node:worker_threads';
import { Par } from '../../../src/index.ts';

export const inputs = ['data'];
export const outputs = ['out'];
export async function reach(_args, context) {
  const input = await Par.fromData(workerData.inputs.data).url(workerData.identity);
  const output = await Par.fromData(workerData.outputs.out).url(workerData.identity);
  const status = async (url, init) => (await fetch(url, init)).status;
  return {
    inside: (await context.inputs.data.getStringObject('in/a.txt', { signal: context.signal })).length,
    readOutside: await status(`${input}secret/hidden.txt`),
    listOutside: await status(`${input}?prefix=secret/`),
    writeInput: await status(`${input}in/new.txt`, { method: 'PUT', body: 'x' }),
    writeOutside: await status(`${output}elsewhere.txt`, { method: 'PUT', body: 'x' }),
    otherBucket: await status(`${input.replace('/b/data/', '/b/private/')}in/a.txt`),
  };
}
