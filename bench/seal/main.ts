/**
 * bench/seal: seal+open operations per second for parkit (Par.create + par.url, which adds
 * validation, the binding tag and its check) and, in the same run on the same payload, for raw
 * age-encryption (Encrypter.encrypt + Decrypter.decrypt). Goal: parkit/raw ≥ 0.8.
 */
import * as age from 'age-encryption';
import { generateIdentity, identityToRecipient, Par } from '../../src/index.js';
import { formatNumber, median, opsPerSecond } from '../lib/measure.js';

const identity = await generateIdentity();
const recipient = await identityToRecipient(identity);
const url =
  'https://bucket.s3.eu-west-1.amazonaws.com/reports/q3.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261122%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261122T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=9f1c2e0d7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa00112233';

const results = await opsPerSecond([
  {
    name: 'parkit',
    run: async () => {
      const par = await Par.create({
        url,
        driver: 's3',
        target: { kind: 'object', key: 'reports/q3.csv' },
        permissions: ['read'],
        expires: { hours: 1 },
        recipients: [recipient],
      });
      await par.url(identity);
    },
  },
  {
    name: 'age-encryption',
    run: async () => {
      const encrypter = new age.Encrypter();
      encrypter.addRecipient(recipient);
      const sealed = await encrypter.encrypt(url);
      const decrypter = new age.Decrypter();
      decrypter.addIdentity(identity);
      await decrypter.decrypt(sealed, 'text');
    },
  },
]);

const parkit = median(results.get('parkit') ?? []);
const raw = median(results.get('age-encryption') ?? []);
console.log(
  'bench/seal — seal + open of one pre-signed URL, one X25519 recipient (median of 7 interleaved 1 s rounds)',
);
console.log(`  parkit          ${formatNumber(parkit)} ops/s`);
console.log(`  age-encryption  ${formatNumber(raw)} ops/s`);
console.log(`  ratio parkit/raw ${formatNumber(parkit / raw, 2)} (goal ≥ 0.80)`);
