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
 * `BENCH_ROUNDS` sets the rounds (default 5 for files, 9 for the bulk read).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNumber, median } from '../lib/measure.js';
import { startNginx } from './nginx.js';

const MiB = 1024 * 1024;
const SIZE = 512 * MiB;
const OBJECTS = 2000;
const CONCURRENCY = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BULK_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const here = import.meta.dirname;

const built = spawnSync('npm', ['run', 'build'], { cwd: join(here, '../..'), encoding: 'utf8' });
if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);

const root = await mkdtemp(join(tmpdir(), 'parkit-bench-transfer-'));
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
  curl: () => curl(['-o', '/dev/null', '-T', big, `${nginx.origin}/up/curl.bin`]),
};

type Results = Record<string, { speed: number[]; rss: number[] }>;

// Warm up every contender, then run `rounds` rounds, the order rotating from round to round.
async function measure(contenders: Record<string, () => Run>, before: () => Promise<void>): Promise<Results> {
  const names = Object.keys(contenders);
  const results: Results = Object.fromEntries(names.map((name) => [name, { speed: [], rss: [] }]));
  for (let round = -1; round < ROUNDS; round++) {
    const shift = Math.max(round, 0) % names.length;
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      await before();
      const run = (contenders[name] as () => Run)();
      if (round < 0) continue;
      results[name]?.speed.push(SIZE / run.seconds / 1e6);
      if (run.extra !== undefined) results[name]?.rss.push(run.extra / MiB);
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

const row = (label: string, value: string, note = '') =>
  console.log(`  ${label.padEnd(36)}${value.padStart(14)}  ${note}`);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function files(title: string, results: Results, reference: string) {
  console.log(title);
  const base = median((results[reference] as Results[string]).speed);
  for (const [name, { speed }] of Object.entries(results)) row(name, `${formatNumber(median(speed))} MB/s`);
  for (const [name, { speed }] of Object.entries(results)) {
    if (name === reference) continue;
    const ratio = median(speed) / base;
    const goal = name === 'parkit' ? `goal ≥ 0.90×: ${verdict(ratio >= 0.9)}` : '';
    row(`ratio ${name} / ${reference}`, `${formatNumber(ratio, 2)}×`, goal);
  }
  for (const [name, { rss }] of Object.entries(results)) {
    if (rss.length === 0) continue;
    const most = Math.max(...rss);
    const goal = name === 'parkit' ? `; goal < 64: ${verdict(most < 64)}` : '';
    row(
      `${name}: peak RSS above baseline`,
      `${formatNumber(median(rss), 1)} MiB`,
      `max ${formatNumber(most, 1)}${goal}`,
    );
  }
}

console.log(
  `transfer benchmark (loopback nginx, parkit from dist/, medians of ${ROUNDS} interleaved rounds after a warm-up)`,
);
files('download 512 MiB to a file', downloads, 'curl');
files('upload 512 MiB from a file', uploads, 'curl');
console.log(
  `getAllObjects, ${OBJECTS} × 4 KiB, concurrency ${CONCURRENCY} (${BULK_ROUNDS} rounds, one process)`,
);
for (const [name, speeds] of Object.entries(bulk)) row(name, `${formatNumber(median(speeds))} obj/s`);
const against = (name: string) => median(bulk.parkit as number[]) / median(bulk[name] as number[]);
row(
  'ratio parkit / fetch',
  `${formatNumber(against('fetch'), 2)}×`,
  `goal ≥ 1.50×: ${verdict(against('fetch') >= 1.5)}`,
);
row(
  'ratio parkit / fetch+list',
  `${formatNumber(against('fetch+list'), 2)}×`,
  '(both list the bucket first)',
);
row('ratio parkit / node:http', `${formatNumber(against('node:http'), 2)}×`, '(the floor: no checks at all)');
