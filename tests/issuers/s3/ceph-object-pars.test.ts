/**
 * Object Pars on a real Ceph RGW: per-method pre-signed URLs read, write and delete through the
 * reader and writer classes; the signed content type binds the writer; expired, tampered and
 * wrong-method URLs come back as typed errors.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ExpiredError,
  NotSupportedError,
  type ObjectWriter,
  Par,
  PermissionError,
} from '../../../src/index.js';
import { keyPair } from '../../helpers/fixtures.js';
import { AWKWARD_KEYS, bucketName, cephIssuer, createBucket, getObject, putObject } from './ceph-helpers.js';

const keys = await keyPair();
const issuer = cephIssuer();
const bucket = bucketName('object-pars');
const text = (bytes: Uint8Array | number) =>
  typeof bytes === 'number' ? bytes : new TextDecoder().decode(bytes);

beforeAll(async () => {
  await createBucket(issuer, bucket);
  await putObject(issuer, bucket, 'report.csv', 'a,b\n1,2\n');
});

describe('object Pars through the reader and writer', () => {
  it('a read Par reads, ranges and stats (GET and HEAD URLs)', async () => {
    const par = await issuer.createPar({
      bucket,
      key: 'report.csv',
      permissions: ['read'],
      expiresIn: 600,
      recipients: [keys.recipient],
    });
    expect(par.target).toEqual({ kind: 'object', bucket, key: 'report.csv' });
    const reader = await par.read(keys.identity);
    expect(await reader.getStringObject()).toBe('a,b\n1,2\n');
    expect((await reader.stat()).size).toBe(8);
    await expect(par.write(keys.identity)).rejects.toBeInstanceOf(PermissionError);
  });

  it('a read/write/delete Par round-trips every awkward key', async () => {
    for (const key of AWKWARD_KEYS) {
      const par = await issuer.createPar({
        bucket,
        key: `rwd/${key}`,
        permissions: ['read', 'write', 'delete'],
        expiresIn: 600,
        recipients: [keys.recipient],
      });
      const writer = (await par.write(keys.identity)) as ObjectWriter;
      const stat = await writer.setStringObject(`value of ${key}`);
      expect(stat.etag, key).toMatch(/^[0-9a-f]{32}$/);
      expect(await writer.getStringObject(), key).toBe(`value of ${key}`);
      expect(text(await getObject(issuer, bucket, `rwd/${key}`)), key).toBe(`value of ${key}`);
      await writer.deleteObject();
      expect(await getObject(issuer, bucket, `rwd/${key}`), key).toBe(404);
    }
  });

  it('uploads from and downloads to local files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parkit-s3-files-'));
    const data = randomBytes(256 * 1024);
    await writeFile(join(dir, 'in.bin'), data);
    const par = await issuer.createPar({
      bucket,
      key: 'files/data.bin',
      permissions: ['read', 'write'],
      expiresIn: 600,
      recipients: [keys.recipient],
    });
    const writer = (await par.write(keys.identity)) as ObjectWriter;
    expect((await writer.setObjectFromFile(join(dir, 'in.bin'))).size).toBe(data.length);
    const saved = await writer.getObjectAsFile(join(dir, 'out.bin'));
    expect(saved.size).toBe(data.length);
    expect((await readFile(join(dir, 'out.bin'))).equals(data)).toBe(true);
  });

  it('streams: of unknown length (buffered up to the threshold), of a given size, or refused', async () => {
    const par = await issuer.createPar({
      bucket,
      key: 'streams/data.bin',
      permissions: ['read', 'write'],
      expiresIn: 600,
      recipients: [keys.recipient],
    });
    const stream = (bytes: Uint8Array) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 1000) controller.enqueue(bytes.subarray(at, at + 1000));
          controller.close();
        },
      });
    const stored = async () =>
      Buffer.from((await getObject(issuer, bucket, 'streams/data.bin')) as Uint8Array);
    const data = new Uint8Array(randomBytes(10_000));
    const writer = (await par.write(keys.identity)) as ObjectWriter;
    // S3 needs a Content-Length: a short stream of unknown length is read into memory first.
    expect((await writer.setObject(stream(data))).size).toBe(data.length);
    expect((await stored()).equals(data)).toBe(true);
    // With its size given, a stream goes as it is read.
    const other = data.map((byte) => byte ^ 0xff);
    expect((await writer.setObject(stream(other), { size: other.length })).size).toBe(other.length);
    expect((await stored()).equals(other)).toBe(true);
    // Over the threshold, with no size and no parts in this Par: refused, and nothing changes.
    const small = (await par.write(keys.identity, { parts: { threshold: 4096 } })) as ObjectWriter;
    const refused = await small.setObject(stream(data)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NotSupportedError);
    expect((await stored()).equals(other)).toBe(true);
  });

  it('a signed content type is the one stored, and the store refuses another', async () => {
    const par = await issuer.createPar({
      bucket,
      key: 'typed.json',
      permissions: ['write'],
      contentType: 'application/json',
      expiresIn: 600,
      recipients: [keys.recipient],
    });
    const writer = (await par.write(keys.identity)) as ObjectWriter;
    await writer.setStringObject('{"ok":true}');
    const head = await fetch(issuer.presign({ method: 'HEAD', bucket, key: 'typed.json', expiresIn: 60 }), {
      method: 'HEAD',
    });
    expect(head.headers.get('content-type')).toBe('application/json');
    const secret = JSON.parse(await par.url(keys.identity)) as { put: string };
    const wrongType = await fetch(secret.put, {
      method: 'PUT',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(403);
  });

  it('a signed checksum travels with the PUT', async () => {
    const body = 'checked content';
    const checksumSha256 = createHash('sha256').update(body).digest('base64');
    const par = await issuer.createPar({
      bucket,
      key: 'checked.txt',
      permissions: ['write'],
      checksumSha256,
      expiresIn: 600,
      recipients: [keys.recipient],
    });
    const secret = JSON.parse(await par.url(keys.identity)) as {
      put: string;
      putHeaders: Record<string, string>;
    };
    expect(new URL(secret.put).searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-amz-checksum-sha256');
    expect(secret.putHeaders).toEqual({ 'x-amz-checksum-sha256': checksumSha256 });
    await ((await par.write(keys.identity)) as ObjectWriter).setStringObject(body);
    expect(text(await getObject(issuer, bucket, 'checked.txt'))).toBe(body);
  });
});

describe('refusals through Pars are typed errors', () => {
  it('a URL the store considers expired gives ExpiredError', async () => {
    // Signed two hours ago for one hour: expired at the store, still valid by the Par's own clock.
    const past = DateTime.utc().minus({ hours: 2 });
    const stale = cephIssuer({ now: () => past });
    const par = await stale.createPar({
      bucket,
      key: 'report.csv',
      permissions: ['read'],
      expiresIn: 3600,
      recipients: [keys.recipient],
    });
    const reader = await par.read(keys.identity);
    await expect(reader.getObject()).rejects.toBeInstanceOf(ExpiredError);
  });

  it('tampered signature, key, expiry or an extra parameter give PermissionError', async () => {
    const url = new URL(issuer.presign({ method: 'GET', bucket, key: 'report.csv', expiresIn: 600 }));
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    const tampered = {
      signature: url.href.replace(
        signature,
        signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
      ),
      key: url.href.replace('/report.csv?', '/report.csw?'),
      expires: url.href.replace('X-Amz-Expires=600', 'X-Amz-Expires=601'),
      extra: `${url.href}&response-content-type=text%2Fhtml`,
    };
    for (const [what, bad] of Object.entries(tampered)) {
      const par = await Par.create({
        url: bad,
        driver: 's3',
        target: { kind: 'object', bucket, key: 'report.csv' },
        permissions: ['read'],
        expires: { minutes: 10 },
        recipients: [keys.recipient],
      });
      await expect((await par.read(keys.identity)).getObject(), what).rejects.toBeInstanceOf(PermissionError);
    }
  });

  it('a URL signed for another method gives PermissionError and changes nothing', async () => {
    const get = issuer.presign({ method: 'GET', bucket, key: 'report.csv', expiresIn: 600 });
    const par = await Par.create({
      url: JSON.stringify({ v: 1, kind: 'urls', put: get, delete: get }),
      driver: 's3',
      target: { kind: 'object', bucket, key: 'report.csv' },
      permissions: ['write', 'delete'],
      expires: { minutes: 10 },
      recipients: [keys.recipient],
    });
    const writer = (await par.write(keys.identity)) as ObjectWriter;
    await expect(writer.setStringObject('overwritten')).rejects.toBeInstanceOf(PermissionError);
    await expect(writer.deleteObject()).rejects.toBeInstanceOf(PermissionError);
    expect(text(await getObject(issuer, bucket, 'report.csv'))).toBe('a,b\n1,2\n');
  });
});
