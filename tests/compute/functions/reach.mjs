// Tries to reach outside its grants with the raw access URLs its worker uses (caught by wrapping
// fetch, as hostile code could): the server must refuse (its checks, not the client classes',
// are the boundary).
export const inputs = ['data'];
export const outputs = ['out'];
export async function reach(_args, context) {
  const seen = [];
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    seen.push(String(input instanceof Request ? input.url : input));
    return original(input, init);
  };
  const inside = (await context.inputs.data.getStringObject('in/a.txt', { signal: context.signal })).length;
  await context.outputs.out.setStringObject('out/legit.txt', 'ok', { signal: context.signal });
  globalThis.fetch = original;
  const base = (url) => url.slice(0, url.indexOf('/o/') + 3);
  const input = base(seen[0]);
  const output = base(seen[1]);
  const status = async (url, init) => (await fetch(url, init)).status;
  return {
    inside,
    readOutside: await status(`${input}secret/hidden.txt`),
    listOutside: await status(`${input}?prefix=secret/`),
    writeInput: await status(`${input}in/new.txt`, { method: 'PUT', body: 'x' }),
    writeOutside: await status(`${output}elsewhere.txt`, { method: 'PUT', body: 'x' }),
    otherBucket: await status(`${input.replace('/b/data/', '/b/private/')}in/a.txt`),
  };
}
