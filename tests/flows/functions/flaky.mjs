// Fails its first attempt (leaving a mark in its output), succeeds once a mark is there: a run
// that a retry repairs.
export async function flaky(_args, context) {
  const output = context.outputs.result;
  const prefix = output.par.target.prefix ?? '';
  const marks = await output.getAllObjectNames({ prefix: `${prefix}marks/`, signal: context.signal });
  if (marks.length === 0) {
    await output.setStringObject(`${prefix}marks/1`, 'failed once', { signal: context.signal });
    throw new Error('flaky: first attempt fails');
  }
  await output.setStringObject(`${prefix}done.txt`, `after ${marks.length} failure(s)`, {
    signal: context.signal,
  });
  return { marks: marks.length };
}
