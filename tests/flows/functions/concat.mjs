// Concatenates every object of every input (inputs by name, keys sorted) into `result.txt` under
// the `result` output's prefix: what the flow tests check runs read and wrote.
export async function concat(args, context) {
  const parts = [];
  for (const name of Object.keys(context.inputs).sort()) {
    const input = context.inputs[name];
    const prefix = input.par.target.prefix ?? '';
    const keys = await input.getAllObjectNames({
      ...(prefix === '' ? {} : { prefix }),
      signal: context.signal,
    });
    for (const key of keys.sort()) parts.push(await input.getStringObject(key, { signal: context.signal }));
  }
  const output = context.outputs.result;
  const key = `${output.par.target.prefix ?? ''}${args.name ?? 'result.txt'}`;
  await output.setStringObject(key, parts.join(''), { signal: context.signal });
  return { key, parts: parts.length };
}
