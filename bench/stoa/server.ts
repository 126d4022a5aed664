/**
 * The benchmark's Stoa server, in its own process so that serving does not share the client's
 * event loop (on a 2-core machine each gets a core). Publishes `--files` Parquet files of about
 * `--kib` KiB each (snappy, written with hyparquet-writer), answers downloads after `--latency`
 * ms, and prints its URLs as one JSON line on stdout.
 */
import { parseArgs } from 'node:util';
import { readings, writeReadings } from '../../tests/helpers/parquet.js';
import { EMAIL, PASSWORD, PRODUCT } from '../../tests/helpers/stoa.js';
import { startStoaServer } from '../../tests/servers/stoa.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '200' },
    kib: { type: 'string', default: '100' },
    latency: { type: 'string', default: '0' },
  },
});
const count = Number(values.files);
const target = Number(values.kib) * 1024;

// Calibrate the row count so that one snappy file is about `target` bytes (two passes: the
// size is not quite proportional to the row count).
let rowsPerFile = 2000;
for (let pass = 0; pass < 2; pass++) {
  rowsPerFile = Math.max(
    1,
    Math.round((rowsPerFile * target) / writeReadings(readings(0, rowsPerFile)).length),
  );
}
const files: Record<string, Uint8Array> = {};
for (let i = 0; i < count; i++) {
  files[`part-${String(i).padStart(4, '0')}.snappy.parquet`] = writeReadings(
    readings(i * rowsPerFile, rowsPerFile),
  );
}
const sizes = Object.values(files).map((bytes) => bytes.length);

const server = await startStoaServer({
  users: { [EMAIL]: PASSWORD },
  latency: Number(values.latency),
  urlLifetime: 3600,
});
server.addDataset(PRODUCT, files);
console.log(
  JSON.stringify({
    urls: server.urls,
    rowsPerFile,
    averageBytes: sizes.reduce((a, b) => a + b, 0) / sizes.length,
  }),
);
process.stdin.resume();
process.stdin.on('end', () => server.close().then(() => process.exit(0)));
