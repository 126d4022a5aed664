/**
 * `npm run bench:server`: GET throughput of the parkit server against nginx serving the same
 * files from the same disk, in one run. One 256 MiB object (curl, sequential downloads, MB/s)
 * and many 4 KiB objects (one Node keep-alive client at fixed concurrency, requests/s).
 * nginx runs with one worker (the parkit server is one Node process), sendfile on, access log
 * off, on an ephemeral loopback port, from a temporary config. Goals: large ≥ 0.5× nginx,
 * small ≥ 0.3× nginx. Needs Debian's nginx-light (installed here when missing and root).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, get } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient, ParkitAdmin } from '../../src/index.js';
import { formatNumber, median } from '../lib/measure.js';

const LARGE = 256 * 1024 * 1024;
const SMALL = 4096;
const SMALL_COUNT = 1000;
const CONCURRENCY = 16;
const ROUNDS = 5;
const SMALL_ROUND_MS = 2000;

function nginxBinary(): string {
  for (const path of ['/usr/sbin/nginx', '/usr/local/sbin/nginx']) if (existsSync(path)) return path;
  if (process.getuid?.() !== 0)
    throw new Error('nginx is missing: apt-get install nginx-light (or run as root)');
  console.log('installing nginx-light…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nginx-light'], {
    stdio: 'inherit',
    env,
  });
  return '/usr/sbin/nginx';
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing answers at ${new URL(url).origin}`);
}

function startParkit(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'serve.ts'), dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done) => {
    child.stdout?.once('data', (chunk: Buffer) => done({ child, url: chunk.toString().trim() }));
  });
}

async function startNginx(root: string, work: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const prefix = join(work, 'nginx');
  await mkdir(prefix, { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  const asRoot = process.getuid?.() === 0 ? 'user root;\n' : '';
  await writeFile(
    conf,
    `${asRoot}worker_processes 1;\ndaemon off;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/error.log;\n` +
      `events { worker_connections 1024; }\nhttp {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 1000000;\n` +
      `  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;\n` +
      `  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;\n` +
      `  server { listen 127.0.0.1:${port}; root ${root}; location / { } }\n}\n`,
  );
  const child = spawn(nginxBinary(), ['-c', conf, '-p', prefix], { stdio: 'inherit' });
  const base = `http://127.0.0.1:${port}/`;
  await waitFor(base);
  return { child, base };
}

/** Bytes per second of one curl download to /dev/null. */
function curlSpeed(url: string): number {
  const out = execFileSync('curl', [
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{speed_download} %{size_download}',
    url,
  ]).toString();
  const [speed, size] = out.split(' ').map(Number);
  if (size !== LARGE) throw new Error(`download was ${size} bytes`);
  return speed as number;
}

/** Requests per second of GETs of random small objects at fixed concurrency for `ms`. */
async function smallRate(urlOf: (i: number) => string, ms: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let count = 0;
  const end = performance.now() + ms;
  const one = (url: string) =>
    new Promise<void>((done, fail) => {
      get(url, { agent }, (response) => {
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          length += chunk.length;
        });
        response.on('end', () =>
          response.statusCode === 200 && length === SMALL
            ? done()
            : fail(new Error(`bad answer ${response.statusCode}`)),
        );
      }).on('error', fail);
    });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await one(urlOf(Math.floor(Math.random() * SMALL_COUNT)));
        count++;
      }
    }),
  );
  agent.destroy();
  return count / ((performance.now() - start) / 1000);
}

const work = await mkdtemp(join(tmpdir(), 'parkit-bench-server-'));
const dataDir = join(work, 'data');
const children: ChildProcess[] = [];
try {
  const parkit = await startParkit(dataDir);
  children.push(parkit.child);
  const admin = new ParkitAdmin({
    url: parkit.url,
    adminKey: (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim(),
  });
  await admin.createBucket('bench');
  const identity = await generateIdentity();
  const par = await admin.createPar({
    bucket: 'bench',
    permissions: ['read', 'write'],
    expires: { hours: 1 },
    recipients: [await identityToRecipient(identity)],
  });
  const parUrl = await par.url(identity);
  console.log(
    `uploading one ${LARGE / 1024 ** 2} MiB object and ${SMALL_COUNT} × ${SMALL / 1024} KiB objects through the parkit server…`,
  );
  const large = Buffer.alloc(LARGE);
  for (let i = 0; i < LARGE; i += 4096) large.writeUInt32LE(i, i);
  if ((await fetch(`${parUrl}large.bin`, { method: 'PUT', body: large })).status !== 200)
    throw new Error('upload failed');
  for (let i = 0; i < SMALL_COUNT; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        fetch(`${parUrl}small/${i + j}.bin`, { method: 'PUT', body: large.subarray(0, SMALL) }).then((r) => {
          if (r.status !== 200) throw new Error('upload failed');
        }),
      ),
    );
  }
  const nginx = await startNginx(join(dataDir, 'objects', 'bench'), work);
  children.push(nginx.child);

  const contenders = [
    { name: 'parkit', url: (key: string) => `${parUrl}${key}` },
    { name: 'nginx', url: (key: string) => `${nginx.base}${key}` },
  ];
  const largeRuns = new Map(contenders.map((c) => [c.name, [] as number[]]));
  const smallRuns = new Map(contenders.map((c) => [c.name, [] as number[]]));
  for (const c of contenders) {
    curlSpeed(c.url('large.bin'));
    await smallRate((i) => c.url(`small/${i}.bin`), 500);
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) largeRuns.get(c.name)?.push(curlSpeed(c.url('large.bin')));
    for (const c of order)
      smallRuns.get(c.name)?.push(await smallRate((i) => c.url(`small/${i}.bin`), SMALL_ROUND_MS));
  }

  const mbps = (name: string) => median(largeRuns.get(name) ?? []) / 1e6;
  const rps = (name: string) => median(smallRuns.get(name) ?? []);
  const largeRatio = mbps('parkit') / mbps('nginx');
  const smallRatio = rps('parkit') / rps('nginx');
  console.log(
    `\nGET through a parkit Par vs nginx on the same files (medians of ${ROUNDS} interleaved rounds)`,
  );
  console.log(
    `  256 MiB object (curl):          parkit ${formatNumber(mbps('parkit'))} MB/s   nginx ${formatNumber(mbps('nginx'))} MB/s   ratio ${largeRatio.toFixed(2)}× (goal ≥ 0.50×) ${largeRatio >= 0.5 ? 'met' : 'MISSED'}`,
  );
  console.log(
    `  4 KiB objects (${CONCURRENCY} keep-alive):  parkit ${formatNumber(rps('parkit'))} req/s   nginx ${formatNumber(rps('nginx'))} req/s   ratio ${smallRatio.toFixed(2)}× (goal ≥ 0.30×) ${smallRatio >= 0.3 ? 'met' : 'MISSED'}`,
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((child) =>
      child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined,
    ),
  );
  await rm(work, { recursive: true, force: true });
}
