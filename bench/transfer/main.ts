/**
 * `npm run bench:transfer`: parkit's transfers against curl and a plain fetch loop, on loopback,
 * against nginx (not the bottleneck), in one run, interleaved rounds, medians:
 *
 * - download 512 MiB to a file: `getObjectAsFile` vs `curl -o` (throughput, peak RSS above the
 *   process's baseline, measured in the child process doing the transfer);
 * - upload 512 MiB from a file: `setObjectFromFile` vs `curl -T`;
 * - `getAllObjects` on 2000 × 4 KiB objects vs a plain `fetch` loop at the same concurrency.
 *
 * Goals (issue 4): ≥ 0.9× curl with < 64 MiB extra RSS; ≥ 1.5× the fetch loop.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient, Par } from '../../src/index.js';
import { formatNumber, median } from '../lib/measure.js';
import { startNginx } from './nginx.js';

const MiB = 1024 * 1024;
const SIZE = 512 * MiB;
const OBJECTS = 2000;
const CONCURRENCY = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

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
const child = join(import.meta.dirname, 'child.ts');

function parkit(mode: 'download' | 'upload', url: string, path: string): { seconds: number; extra: number } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', child, mode, url, path], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`parkit ${mode} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
}

function curl(args: string[]): number {
  return Number(
    execFileSync('curl', ['-s', '--fail', '-o', '/dev/null', '-w', '%{time_total}', ...args], {
      encoding: 'utf8',
    }),
  );
}

function curlDownload(url: string, path: string): number {
  return Number(
    execFileSync('curl', ['-s', '--fail', '-o', path, '-w', '%{time_total}', url], { encoding: 'utf8' }),
  );
}

const results = {
  download: { parkit: [] as number[], curl: [] as number[], rss: [] as number[] },
  upload: { parkit: [] as number[], curl: [] as number[], rss: [] as number[] },
  bulk: { parkit: [] as number[], fetch: [] as number[] },
};
const out = join(root, 'out.bin');
const speed = (seconds: number) => SIZE / seconds / 1e6;

try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['parkit', 'curl'] : ['curl', 'parkit'];
    for (const who of order) {
      await rm(out, { force: true });
      if (who === 'parkit') {
        const run = parkit('download', `${nginx.origin}/big.bin`, out);
        results.download.parkit.push(speed(run.seconds));
        results.download.rss.push(run.extra / MiB);
      } else results.download.curl.push(speed(curlDownload(`${nginx.origin}/big.bin`, out)));
    }
    for (const who of order) {
      await rm(join(root, 'up'), { recursive: true, force: true });
      await mkdir(join(root, 'up'), { mode: 0o777 });
      execFileSync('chmod', ['777', join(root, 'up')]);
      if (who === 'parkit') {
        const run = parkit('upload', `${nginx.origin}/up/parkit.bin`, big);
        results.upload.parkit.push(speed(run.seconds));
        results.upload.rss.push(run.extra / MiB);
      } else results.upload.curl.push(speed(curl(['-T', big, `${nginx.origin}/up/curl.bin`])));
    }
  }
  await rm(out, { force: true });

  const identity = await generateIdentity();
  const par = await Par.create({
    url: `${nginx.origin}/small/`,
    driver: 'https',
    target: { kind: 'bucket' },
    permissions: ['read', 'list'],
    expires: { hours: 1 },
    recipients: [await identityToRecipient(identity)],
  });
  const bucket = await par.read(identity);
  const names = await bucket.getAllObjectNames();
  if (names.length !== OBJECTS) throw new Error(`listing found ${names.length} objects`);
  const viaParkit = async () => {
    const all = await bucket.getAllObjects({ concurrency: CONCURRENCY });
    if (all.size !== OBJECTS) throw new Error('parkit missed objects');
  };
  const viaFetch = async () => {
    const got = new Array<Uint8Array>(names.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < names.length) {
          const index = next++;
          const response = await fetch(`${nginx.origin}/small/${names[index]}`);
          if (!response.ok) throw new Error(`fetch got ${response.status}`);
          got[index] = new Uint8Array(await response.arrayBuffer());
        }
      }),
    );
  };
  await viaParkit();
  await viaFetch();
  for (let round = 0; round < ROUNDS; round++) {
    const contenders: [keyof typeof results.bulk, () => Promise<void>][] = [
      ['parkit', viaParkit],
      ['fetch', viaFetch],
    ];
    if (round % 2 === 1) contenders.reverse();
    for (const [name, run] of contenders) {
      const started = performance.now();
      await run();
      results.bulk[name].push(OBJECTS / ((performance.now() - started) / 1000));
    }
  }
} finally {
  await nginx.stop();
  await rm(root, { recursive: true, force: true });
}

const row = (label: string, value: string, note = '') =>
  console.log(`  ${label.padEnd(34)}${value.padStart(12)}  ${note}`);
const { download, upload, bulk } = results;
console.log(`transfer benchmark (loopback, nginx ${ROUNDS} interleaved rounds, medians)`);
console.log('download 512 MiB to a file');
row('parkit getObjectAsFile', `${formatNumber(median(download.parkit))} MB/s`);
row('curl -o', `${formatNumber(median(download.curl))} MB/s`);
row(
  'ratio parkit / curl',
  `${formatNumber(median(download.parkit) / median(download.curl), 2)}×`,
  '(goal ≥ 0.90×)',
);
row(
  'parkit peak RSS above baseline',
  `${formatNumber(median(download.rss), 1)} MiB`,
  `(max ${formatNumber(Math.max(...download.rss), 1)}; goal < 64)`,
);
console.log('upload 512 MiB from a file');
row('parkit setObjectFromFile', `${formatNumber(median(upload.parkit))} MB/s`);
row('curl -T', `${formatNumber(median(upload.curl))} MB/s`);
row(
  'ratio parkit / curl',
  `${formatNumber(median(upload.parkit) / median(upload.curl), 2)}×`,
  '(goal ≥ 0.90×)',
);
row(
  'parkit peak RSS above baseline',
  `${formatNumber(median(upload.rss), 1)} MiB`,
  `(max ${formatNumber(Math.max(...upload.rss), 1)}; goal < 64)`,
);
console.log(`getAllObjects, ${OBJECTS} × 4 KiB, concurrency ${CONCURRENCY}`);
row('parkit getAllObjects', `${formatNumber(median(bulk.parkit))} obj/s`);
row('plain fetch loop', `${formatNumber(median(bulk.fetch))} obj/s`);
row(
  'ratio parkit / fetch',
  `${formatNumber(median(bulk.parkit) / median(bulk.fetch), 2)}×`,
  '(goal ≥ 1.50×)',
);
