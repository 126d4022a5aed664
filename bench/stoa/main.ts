/**
 * Stoa fetch benchmark (`npm run bench:stoa`): fetch 200 Parquet files of about 100 KiB from a
 * local Stoa server running in its own process, with `StoaClient.fetch` (10 downloads in
 * flight, the default) and with a sequential loop (download, decode, next), measured in the
 * same run, alternating, and reported as medians with their ratio.
 *
 * Three latencies before each download's first byte: 0 ms (loopback: the work is decoding on
 * one core, so parallel downloads cannot help), 25 and 50 ms (conservative for an object store,
 * whose small-object first-byte latency is typically tens to a couple of hundred ms), where
 * they do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { StoaClient, type StoaClientOptions } from '../../src/index.js';
import { decodeRows } from '../../src/stoa/parquet.js';
import { EMAIL, PASSWORD, PRODUCT } from '../../tests/helpers/stoa.js';
import { median } from '../lib/measure.js';

const FILES = 200;
const ROUNDS = 5;
const LATENCIES = [0, 25, 50];

interface Started {
  child: ChildProcess;
  urls: StoaClientOptions['urls'];
  rowsPerFile: number;
  averageBytes: number;
}

async function startServer(latency: number): Promise<Started> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./server.ts', import.meta.url).pathname,
      '--files',
      String(FILES),
      '--latency',
      String(latency),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, ...JSON.parse(line) };
}

// What a caller would write without fetch(): download, decode, keep the records, next file.
async function sequential(signed: Record<string, string>): Promise<number> {
  const rows: Record<string, unknown>[] = [];
  for (const url of Object.values(signed)) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`download failed: ${response.status}`);
    for (const row of (await decodeRows(await response.arrayBuffer())).rows) rows.push(row);
  }
  return rows.length;
}

async function timed(run: () => Promise<number>): Promise<{ seconds: number; rows: number }> {
  const start = performance.now();
  const rows = await run();
  return { seconds: (performance.now() - start) / 1000, rows };
}

const report: string[] = [];
for (const latency of LATENCIES) {
  const server = await startServer(latency);
  try {
    const client = new StoaClient({
      authentication: 'rest',
      email: EMAIL,
      password: PASSWORD,
      ...PRODUCT,
      urls: server.urls,
    } as StoaClientOptions);
    // Untimed: order all 200 keys (20 per page, as the service allows) and sign them.
    const keys: string[] = [];
    for (let offset = 0; offset < FILES; offset += 20) keys.push(...(await client.order({ offset })));
    const signed = await client.sign({ keys });
    const parallel = () => client.fetch({ format: 'json', signed }).then((result) => result.rows.length);
    const loop = () => sequential(signed);
    // Warm-up (JIT, connections, codec loading), then alternate.
    await timed(parallel);
    await timed(loop);
    const rates = { parallel: [] as number[], sequential: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const first = round % 2 === 0 ? 'parallel' : 'sequential';
      for (const mode of first === 'parallel'
        ? (['parallel', 'sequential'] as const)
        : (['sequential', 'parallel'] as const)) {
        const { seconds, rows } = await timed(mode === 'parallel' ? parallel : loop);
        if (rows !== FILES * server.rowsPerFile) throw new Error(`${mode} returned ${rows} rows`);
        rates[mode].push(FILES / seconds);
      }
    }
    const p = median(rates.parallel);
    const s = median(rates.sequential);
    report.push(
      `latency ${String(latency).padStart(2)} ms | fetch (10 in flight) ${p.toFixed(0).padStart(5)} files/s | sequential loop ${s.toFixed(0).padStart(5)} files/s | ratio ${(p / s).toFixed(2)}×`,
    );
    console.log(
      `latency ${latency} ms: ${FILES} files × ${(server.averageBytes / 1024).toFixed(0)} KiB (${server.rowsPerFile} rows each); rounds: parallel ${rates.parallel.map((r) => r.toFixed(0)).join(', ')} / sequential ${rates.sequential.map((r) => r.toFixed(0)).join(', ')} files/s`,
    );
  } finally {
    server.child.stdin?.end();
    await once(server.child, 'exit');
  }
}
console.log(`\nStoa fetch, medians of ${ROUNDS} rounds (Node ${process.version}):`);
for (const line of report) console.log(line);
