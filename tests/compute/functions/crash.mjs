// Fails in the ways that could leak: a message naming host paths, the job's own access URL
// (caught by wrapping fetch, as hostile code could) and, were it there, the admin key from the
// environment; console output and context.log too.
export const inputs = ['data'];
export async function crash(_args, context) {
  let url = '';
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    url = String(input instanceof Request ? input.url : input);
    return original(input, init);
  };
  await context.inputs.data.getStringObject('in/a.txt', { signal: context.signal });
  const here = new URL(import.meta.url).pathname;
  console.log(`starting in ${process.cwd()} from ${here}`);
  console.error(`my grant is ${url}`);
  context.log(
    `admin key in env: ${'PARKIT_ADMIN_KEY' in process.env}; signing key in env: ${'PARKIT_SIGNING_KEY' in process.env}`,
  );
  context.progress({ fraction: 0.5, message: `reading ${here}` });
  throw new Error(`could not open ${here} via ${url} (admin key ${process.env.PARKIT_ADMIN_KEY})`);
}
