/**
 * The contenders of bench/presign, on a real Ceph RGW: every pre-signer's URLs are accepted,
 * and parkit's signature equals each peer's for the same canonical request (the peers add
 * parameters of their own, such as the AWS SDK's x-id, which parkit is given as signed query
 * parameters). So the benchmark compares signers doing the same, correct work.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { peers } from '../../../bench/presign/peers.js';
import { bucketName, ceph, cephIssuer, createBucket, putObject } from './ceph-helpers.js';

const issuer = cephIssuer();
const bucket = bucketName('peers');
const KEYS = ['reports/2026/file-1.csv', 'reports/2026/q0 données (final) ü.csv', "marks!'()*+=.txt"];
const STANDARD = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
];

beforeAll(async () => {
  await createBucket(issuer, bucket);
  for (const key of KEYS) await putObject(issuer, bucket, key, `content of ${key}`);
});

describe('bench/presign contenders', () => {
  const at = Date.now();
  const contenders = () => peers({ ...ceph(), bucket, expiresIn: 900, at });

  it('every contender signs URLs the gateway accepts', async () => {
    const names = [];
    for (const peer of contenders()) {
      names.push(peer.name);
      for (const key of KEYS) {
        const response = await fetch(await peer.sign(key));
        expect(response.status, `${peer.name} ${key}`).toBe(200);
        expect(await response.text(), `${peer.name} ${key}`).toBe(`content of ${key}`);
      }
    }
    expect(names).toEqual([
      'parkit',
      '@smithy/signature-v4',
      'aws4fetch',
      'minio',
      '@aws-sdk/s3-request-presigner',
    ]);
  });

  it("parkit's signature equals every peer's for the same request", async () => {
    const { endpoint, region, accessKeyId, secretAccessKey } = ceph();
    const parkit = cephIssuer({ endpoint, region, accessKeyId, secretAccessKey, now: () => at });
    for (const peer of contenders().slice(1)) {
      for (const key of KEYS) {
        const theirs = new URL(await peer.sign(key));
        const extra = Object.fromEntries(
          [...theirs.searchParams].filter(([name]) => !STANDARD.includes(name)),
        );
        const ours = new URL(parkit.presign({ method: 'GET', bucket, key, expiresIn: 900, query: extra }));
        expect(ours.pathname, `${peer.name} ${key}`).toBe(theirs.pathname);
        expect(ours.searchParams.get('X-Amz-Signature'), `${peer.name} ${key}`).toBe(
          theirs.searchParams.get('X-Amz-Signature'),
        );
      }
    }
  });
});
