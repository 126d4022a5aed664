/**
 * `npm run bench:transfer`: parkit's transfers against curl and a plain fetch loop, on loopback,
 * against one nginx (sendfile, not the bottleneck) and the same URLs, in one run: a warm-up of
 * every contender, then interleaved rounds (the order rotates), medians. parkit is measured as
 * users get it, the built `dist/` (built first).
 *
 * - download 512 MiB to a file: `getObjectAsFile` (default options: parallel ranges; and one
 *   stream) vs `curl -o`, with a bare `node:http` pipe as the floor; throughput and peak RSS of
 *   the transferring process above its baseline (VmHWM, in a fresh child process);
 * - upload 512 MiB from a file: `setObjectFromFile` vs `curl -T`;
 * - `getAllObjects` on 2000 × 4 KiB objects vs a plain `fetch` loop at the same concurrency.
 *
 * Goals (issue 4): ≥ 0.9× curl with < 64 MiB extra RSS; ≥ 1.5× the fetch loop.
 * `BENCH_ROUNDS` sets the rounds (default 7 for files, 15 for the bulk read).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginx } from './nginx.js';
import { type Figures, printBulk, printFiles } from './report.js';

const MiB = 1024 * 1024;
const SIZE = 512 * MiB;
const OBJECTS = 2000;
const CONCURRENCY = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const BULK_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const here = import.meta.dirname;

const built = spawnSync('npm', ['run', 'build'], { cwd: join(here, '../..'), encoding: 'utf8' });
if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);

// Files where a user's would be: the temporary directory, on disk (BENCH_DIR=/dev/shm puts them in
// RAM, which takes the file system's cost out of both sides and leaves the clients' CPU cost).
const place = process.env.BENCH_DIR ?? tmpdir();
const root = await mkdtemp(join(place, 'parkit-bench-transfer-'));
const www = join(root, 'www');
await mkdir(join(www, 'small'), { recursive: true });
const big = join(www, 'big.bin');
const handle = await open(big, 'w');
for (let i = 0; i < SIZE / MiB; i++) await handle.write(randomBytes(MiB));
await handle.close();
for (let i = 0; i < OBJECTS; i++)
  await writeFile(join(www, 'small', `o${String(i).padStart(4, '0')}`), randomBytes(4096));
const nginx = await startNginx(root);
const out = join(root, 'out.bin');
const bigUrl = `${nginx.origin}/big.bin`;

interface Run {
  readonly seconds: number;
  readonly cpu?: number;
  readonly extra?: number;
}

function child(script: string, args: string[]): string {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, script), ...args], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${script} ${args[0]} failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').at(-1) as string;
}

function curl(args: string[]): Run {
  const seconds = execFileSync('curl', ['-s', '--fail', '-w', '%{time_total}', ...args], {
    encoding: 'utf8',
  });
  return { seconds: Number(seconds) };
}

async function freshUploads(): Promise<void> {
  await rm(join(root, 'up'), { recursive: true, force: true });
  await mkdir(join(root, 'up'));
  execFileSync('chmod', ['777', join(root, 'up')]);
}

const download: Record<string, () => Run> = {
  parkit: () => JSON.parse(child('child.ts', ['download', bigUrl, out])),
  'parkit, one stream': () => JSON.parse(child('child.ts', ['download-one-stream', bigUrl, out])),
  'node:http pipe': () => JSON.parse(child('child.ts', ['node-pipe', bigUrl, out])),
  curl: () => curl(['-o', out, bigUrl]),
};
const upload: Record<string, () => Run> = {
  parkit: () => JSON.parse(child('child.ts', ['upload', `${nginx.origin}/up/parkit.bin`, big])),
  'node:http pipe': () => JSON.parse(child('child.ts', ['node-upload', `${nginx.origin}/up/node.bin`, big])),
  curl: () => curl(['-o', '/dev/null', '-T', big, `${nginx.origin}/up/curl.bin`]),
};

type Results = Record<string, Figures>;

// Warm up every contender, then run `rounds` rounds, the order rotating from round to round.
async function measure(contenders: Record<string, () => Run>, before: () => Promise<void>): Promise<Results> {
  const names = Object.keys(contenders);
  const results: Results = Object.fromEntries(names.map((name) => [name, { speed: [], rss: [], cpu: [] }]));
  for (let round = -1; round < ROUNDS; round++) {
    const shift = Math.max(round, 0) % names.length;
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      await before();
      const run = (contenders[name] as () => Run)();
      if (round < 0) continue;
      results[name]?.speed.push(SIZE / run.seconds / 1e6);
      if (run.extra !== undefined) results[name]?.rss.push(run.extra / MiB);
      if (run.cpu !== undefined) results[name]?.cpu.push(run.cpu);
    }
  }
  return results;
}

let downloads: Results;
let uploads: Results;
let bulk: Record<string, number[]>;
try {
  downloads = await measure(download, () => rm(out, { force: true }));
  uploads = await measure(upload, freshUploads);
  await rm(out, { force: true });
  bulk = JSON.parse(child('bulk.ts', [`${nginx.origin}/small/`, String(CONCURRENCY), String(BULK_ROUNDS)]));
} finally {
  await nginx.stop();
  await rm(root, { recursive: true, force: true });
}

console.log(
  `transfer benchmark (loopback nginx, files in ${place}, parkit from dist/, ${ROUNDS} interleaved rounds after a warm-up, medians)`,
);
printFiles('download 512 MiB to a file', downloads, 'curl', 0.9);
printFiles('upload 512 MiB from a file', uploads, 'curl', 0.9);
console.log(
  `getAllObjects, ${OBJECTS} × 4 KiB, concurrency ${CONCURRENCY} (${BULK_ROUNDS} rounds, one process)`,
);
printBulk(bulk, 1.5);
