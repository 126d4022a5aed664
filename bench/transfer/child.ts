/**
 * One file transfer in a fresh process, for `bench/transfer/main.ts`: prints how long it took, the
 * CPU time it used (all threads) and how much memory it needed, as JSON. Peak memory is the
 * kernel's high-water mark (VmHWM), reset just before the transfer (`/proc/self/clear_refs`),
 * less the RSS at that moment (after a full garbage collection, so the baseline is not inflated
 * by set-up garbage).
 *
 * Usage: `node --expose-gc --import tsx child.ts MODE URL PATH` where MODE is `download`,
 * `download-one-stream` (parallel ranges off), `upload`, or the floors with no checks at all:
 * `node-pipe` (a bare `node:http` GET piped into a file stream) and `node-upload` (a file stream
 * piped into a bare `node:http` PUT).
 */
import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { loadParkit } from './dist.js';

const [mode, url, path] = process.argv.slice(2) as [string, string, string];

function status(field: 'VmHWM' | 'VmRSS'): number {
  const line = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return line === null ? 0 : Number(line[1]) * 1024;
}

async function prepare(): Promise<() => Promise<unknown>> {
  if (mode === 'node-upload') {
    const agent = new http.Agent({ keepAlive: true });
    const size = statSync(path).size;
    return () =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(url, { method: 'PUT', agent, headers: { 'content-length': size } });
        request.on('response', (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 201 || response.statusCode === 204
              ? resolve()
              : reject(new Error(`PUT got ${response.statusCode}`)),
          );
        });
        pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), request).catch(reject);
      });
  }
  if (mode === 'node-pipe') {
    const agent = new http.Agent({ keepAlive: true });
    return () =>
      new Promise<void>((resolve, reject) => {
        http
          .get(url, { agent }, (response) => {
            pipeline(response, createWriteStream(path, { highWaterMark: 1024 * 1024 })).then(resolve, reject);
          })
          .on('error', reject);
      });
  }
  const { generateIdentity, identityToRecipient, Par } = await loadParkit();
  const identity = await generateIdentity();
  const par = await Par.create({
    url,
    driver: mode === 'upload' ? 's3' : 'https',
    target: { kind: 'object', key: 'bench.bin' },
    permissions: ['read', 'write'],
    expires: { hours: 1 },
    recipients: [await identityToRecipient(identity)],
  });
  const writer = await par.write(identity, mode === 'download-one-stream' ? { ranges: false } : {});
  return mode === 'upload' ? () => writer.setObjectFromFile(path) : () => writer.getObjectAsFile(path);
}

const transfer = await prepare();
(globalThis as { gc?: () => void }).gc?.();
try {
  writeFileSync('/proc/self/clear_refs', '5');
} catch {
  // Not Linux, or not allowed: VmHWM then counts from the process start (only ever higher).
}
const base = status('VmRSS');
let peak = base;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);
const started = performance.now();
const cpuBefore = process.cpuUsage();
await transfer();
const seconds = (performance.now() - started) / 1000;
const { user, system } = process.cpuUsage(cpuBefore);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss, status('VmHWM'));
console.log(JSON.stringify({ seconds, cpu: (user + system) / 1e6, extra: peak - base }));
