/**
 * Shared set-up for the tests against the Ceph RGW started by tests/setup/ceph.ts.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { S3Issuer, type S3IssuerOptions } from '../../../src/index.js';

/** The gateway's endpoint and credentials. */
export const ceph = () => inject('ceph');

/** An issuer for the gateway's test user (path-style, STS role configured). */
export function cephIssuer(extra: Partial<S3IssuerOptions> = {}): S3Issuer {
  const { endpoint, region, accessKeyId, secretAccessKey, roleArn } = ceph();
  return new S3Issuer({ endpoint, region, accessKeyId, secretAccessKey, sts: { roleArn }, ...extra });
}

/** A fresh bucket name. */
export function bucketName(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** Create a bucket with a pre-signed PUT. */
export async function createBucket(issuer: S3Issuer, bucket: string): Promise<void> {
  const response = await fetch(issuer.presign({ method: 'PUT', bucket, expiresIn: 60 }), { method: 'PUT' });
  if (response.status !== 200)
    throw new Error(`could not create bucket ${bucket}: ${response.status} ${await response.text()}`);
}

/** Store an object with a pre-signed PUT. */
export async function putObject(
  issuer: S3Issuer,
  bucket: string,
  key: string,
  body: string | Uint8Array,
): Promise<void> {
  const response = await fetch(issuer.presign({ method: 'PUT', bucket, key, expiresIn: 60 }), {
    method: 'PUT',
    body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
  });
  if (response.status !== 200)
    throw new Error(`could not put ${key}: ${response.status} ${await response.text()}`);
}

/** An object's bytes read with a pre-signed GET, or the status when it is not there. */
export async function getObject(issuer: S3Issuer, bucket: string, key: string): Promise<Uint8Array | number> {
  const response = await fetch(issuer.presign({ method: 'GET', bucket, key, expiresIn: 60 }));
  if (response.status !== 200) {
    await response.body?.cancel();
    return response.status;
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Keys that exercise every encoding rule: reserved characters, Unicode, spaces, percent signs. */
export const AWKWARD_KEYS = [
  'plain.txt',
  'with space/and  two spaces.txt',
  'plus+equals=question?hash#.txt',
  "marks!'()*.txt",
  'percent%20not-an-escape%.txt',
  'ampersand&semicolon;colon:comma,at@dollar$.txt',
  'brackets[]{}<>|^`"backslash\\.txt',
  'unicode/ünïcödé/日本語/🎉.txt',
  'tilde~dash-under_score.dot',
  'a//double/slash',
  '/leading-slash',
  'trailing-slash/',
];
