// Fails its first attempt (leaving the marker file named by `marker`), succeeds once the marker
// is there: a run that a retry repairs.
import { existsSync, writeFileSync } from 'node:fs';

export const schema = { type: 'object', properties: { marker: { type: 'string' } }, required: ['marker'] };

export async function flaky(args, context) {
  if (!existsSync(args.marker)) {
    writeFileSync(args.marker, 'failed once');
    throw new Error('flaky: first attempt fails');
  }
  const output = context.outputs.result;
  await output.setStringObject(`${output.par.target.prefix ?? ''}done.txt`, 'repaired', {
    signal: context.signal,
  });
  return { repaired: true };
}
