/**
 * One parkit transfer in a fresh process, for `bench/transfer/main.ts`: prints how long it took
 * and how much memory it needed, as JSON. Peak memory is the kernel's high-water mark (VmHWM)
 * and the sampled RSS, less the RSS just before the transfer began.
 *
 * Usage: `child.ts download URL PATH` or `child.ts upload URL PATH`.
 */
import { readFileSync } from 'node:fs';
import { generateIdentity, identityToRecipient, Par } from '../../src/index.js';

const [mode, url, path] = process.argv.slice(2) as [string, string, string];

function highWaterMark(): number {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return line === null ? 0 : Number(line[1]) * 1024;
}

const identity = await generateIdentity();
const par = await Par.create({
  url,
  driver: mode === 'download' ? 'https' : 's3',
  target: { kind: 'object', key: 'bench.bin' },
  permissions: ['read', 'write'],
  expires: { hours: 1 },
  recipients: [await identityToRecipient(identity)],
});
const writer = await par.write(identity);
const base = process.memoryUsage().rss;
let peak = base;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);
const started = performance.now();
if (mode === 'download') await writer.getObjectAsFile(path);
else await writer.setObjectFromFile(path);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss, highWaterMark());
console.log(JSON.stringify({ seconds, extra: peak - base }));
