/**
 * The bulk-read contenders of `bench/transfer/main.ts`, in one fresh process so they share its
 * conditions: parkit's `getAllObjects` against a plain `fetch` loop written the way a competent
 * user would (the global fetch, keep-alive by default, the same concurrency, bodies read with
 * `arrayBuffer()`), with and without the listing parkit also does, and a bare `node:http` loop
 * (the floor). Warm-up runs first, then interleaved rounds; prints objects per second of every
 * round as JSON.
 *
 * Usage: `node --import tsx bulk.ts DIRECTORY_URL CONCURRENCY ROUNDS`.
 */
import http from 'node:http';
import { loadParkit } from './dist.js';

const [directory, concurrencyText, roundsText] = process.argv.slice(2) as [string, string, string];
const concurrency = Number(concurrencyText);
const rounds = Number(roundsText);
const { generateIdentity, identityToRecipient, Par } = await loadParkit();

const identity = await generateIdentity();
const par = await Par.create({
  url: directory,
  driver: 'https',
  target: { kind: 'bucket' },
  permissions: ['read', 'list'],
  expires: { hours: 1 },
  recipients: [await identityToRecipient(identity)],
});
const bucket = await par.read(identity);
const names = await bucket.getAllObjectNames();

// `concurrency` workers taking the next name until none is left.
async function each(keys: readonly string[], get: (key: string) => Promise<Uint8Array>) {
  const got = new Array<Uint8Array>(keys.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) {
        const index = next++;
        got[index] = await get(keys[index] as string);
      }
    }),
  );
  return got;
}

async function viaFetch(key: string): Promise<Uint8Array> {
  const response = await fetch(directory + key);
  if (!response.ok) throw new Error(`fetch got ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const agent = new http.Agent({ keepAlive: true });
function viaNodeHttp(key: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    http
      .get(directory + key, { agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks)));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

const contenders: Record<string, () => Promise<number>> = {
  parkit: async () => (await bucket.getAllObjects({ concurrency })).size,
  fetch: async () => (await each(names, viaFetch)).length,
  'fetch+list': async () => {
    const index = (await (await fetch(directory)).json()) as { name: string; type: string }[];
    const keys = index.filter((entry) => entry.type === 'file').map((entry) => entry.name);
    return (await each(keys, viaFetch)).length;
  },
  'node:http': async () => (await each(names, viaNodeHttp)).length,
};

const order = Object.keys(contenders);
for (const name of order) for (let i = 0; i < 2; i++) await contenders[name]?.();
const results: Record<string, number[]> = Object.fromEntries(order.map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? order : [...order].reverse()) {
    const started = performance.now();
    const count = await (contenders[name] as () => Promise<number>)();
    if (count !== names.length) throw new Error(`${name} read ${count} of ${names.length} objects`);
    results[name]?.push(count / ((performance.now() - started) / 1000));
  }
}
console.log(JSON.stringify(results));
