/**
 * bench/presign: pre-signed S3 GET URLs per second for parkit and, in the same run on the same
 * inputs (endpoint, credentials, 64 keys — a quarter of them needing encoding —, lifetime,
 * signing time), for @aws-sdk/s3-request-presigner, @smithy/signature-v4, aws4fetch and minio.
 * Goal: parkit ≥ 2× the fastest peer. tests/issuers/s3/peers.test.ts proves on Ceph RGW that
 * every contender's URLs are accepted and that parkit's signatures equal each peer's for the
 * same canonical request.
 */
import { formatNumber, median, opsPerSecond } from '../lib/measure.js';
import { peers } from './peers.js';

const KEYS = Array.from({ length: 64 }, (_, index) =>
  index % 4 === 0 ? `reports/2026/q${index} données (final) ü.csv` : `reports/2026/file-${index}.csv`,
);
const contenders = peers({
  endpoint: 'http://127.0.0.1:7480',
  region: 'eu-west-1',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  bucket: 'bench-bucket',
  expiresIn: 3600,
  at: Date.now(),
});

const results = await opsPerSecond(
  contenders.map((peer) => ({
    name: peer.name,
    // One operation = the 64 keys signed one after another (awaited when the signer is async).
    run: async () => {
      for (const key of KEYS) {
        const url = peer.sign(key);
        if (typeof url !== 'string') await url;
      }
    },
  })),
  { rounds: 7, roundMs: 1000, warmupMs: 1000 },
);

const rates = contenders.map((peer) => ({
  name: peer.name,
  rate: median(results.get(peer.name) ?? []) * KEYS.length,
}));
const parkit = rates.find((entry) => entry.name === 'parkit')?.rate ?? 0;
const others = rates.filter((entry) => entry.name !== 'parkit');
const fastest = others.reduce((best, entry) => (entry.rate > best.rate ? entry : best));

console.log(
  'bench/presign — pre-signed S3 GET URLs per second (median of 7 interleaved 1 s rounds, 64 keys per operation)',
);
for (const { name, rate } of rates) {
  const ratio = name === 'parkit' ? '' : `   parkit ×${formatNumber(parkit / rate, 1)}`;
  console.log(`  ${name.padEnd(31)} ${formatNumber(rate).padStart(10)} URLs/s${ratio}`);
}
console.log(
  `  parkit / fastest peer (${fastest.name}): ${formatNumber(parkit / fastest.rate, 2)} (goal ≥ 2.00)`,
);
