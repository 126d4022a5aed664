/**
 * The attack and bad-input list of the server issue, in-process (no socket): each request is
 * refused with a clear 4xx JSON error with a stable code, nothing on disk changes, no temporary
 * file is left, and no token, key or host path appears in the answer.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity, identityToRecipient, Par } from '../../src/index.js';
import { type App, createApp, FileSystemStore } from '../../src/server/index.js';
import { inject, snapshot } from './helpers.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
let dataDir: string;
let store: FileSystemStore;
let app: App;
let otherApp: App;
let now = Date.parse('2026-11-22T12:00:00Z');
let identity: string;
let recipient: string;
const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
const paths: Record<string, string> = {};
const tokens: string[] = [];

const ids: Record<string, string> = {};

async function admin(method: string, url: string, body?: unknown, target: App = app) {
  return inject(target.handle, {
    method,
    url,
    headers: auth,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function mint(name: string, request: Record<string, unknown>, target: App = app) {
  const answer = await admin(
    'POST',
    '/admin/v1/pars',
    { expiresIn: 3600, recipients: [recipient], ...request },
    target,
  );
  expect(answer.status).toBe(201);
  const par = Par.fromToken(answer.json().token as string, { now: () => now });
  const url = new URL(await par.url(identity, { buffer: 0 }));
  tokens.push(url.pathname.split('/')[2] as string);
  paths[name] = url.pathname;
  ids[name] = par.id as string;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parkit-bad-'));
  store = await FileSystemStore.open(dataDir);
  app = await createApp({
    store,
    adminKey: ADMIN_KEY,
    publicUrl: () => 'http://127.0.0.1:1',
    now: () => now,
    maxBodyBytes: 1000,
  });
  const otherDir = await mkdtemp(join(tmpdir(), 'parkit-bad-other-'));
  otherApp = await createApp({
    store: await FileSystemStore.open(otherDir),
    adminKey: ADMIN_KEY,
    publicUrl: () => 'http://127.0.0.1:1',
  });
  identity = await generateIdentity();
  recipient = await identityToRecipient(identity);
  for (const name of ['b', 'other'])
    expect((await admin('POST', '/admin/v1/buckets', { name })).status).toBe(201);
  await mint('all', { bucket: 'b', permissions: ['read', 'write', 'list', 'delete'] });
  await mint('readObject', { bucket: 'b', key: 'dir/file.txt', permissions: ['read'] });
  await mint('readBucket', { bucket: 'b', permissions: ['read', 'list'] });
  await mint('prefix', { bucket: 'b', prefix: 'dir/', permissions: ['read', 'write', 'list'] });
  await mint('revoked', { bucket: 'b', permissions: ['read', 'list'] });
  await mint('shortLived', { bucket: 'b', permissions: ['read'], expiresIn: 60 });
  expect((await admin('POST', '/admin/v1/buckets', { name: 'b' }, otherApp)).status).toBe(201);
  await mint('foreign', { bucket: 'b', key: 'dir/file.txt', permissions: ['read'] }, otherApp);
  expect((await admin('DELETE', `/admin/v1/pars/${ids.revoked}`)).status).toBe(204);
  const put = await inject(app.handle, {
    method: 'PUT',
    url: `${paths.all}dir/file.txt`,
    body: 'version one',
  });
  expect(put.status).toBe(200);
});

afterAll(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

type Case = {
  readonly name: string;
  readonly method: string;
  readonly url: () => string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer | (() => string);
  readonly status: number;
  readonly code: string;
  readonly before?: () => Promise<void>;
};

const base = (name: string) => () => paths[name] as string;
const at = (name: string, rest: string) => () => `${paths[name]}${rest}`;

const cases: Case[] = [
  // Path traversal and unsafe keys, raw and percent-encoded.
  ...[
    '../x',
    'a/../../x',
    '%2e%2e/x',
    'a/%2E%2E/%2e%2e/x',
    '..%2Fx',
    '%2F..%2Fx',
    '%5c..%5cx',
    'a%5Cb',
    'a%00b',
    'a//b',
    './x',
    'x/.',
    '/abs',
    '%2Fetc%2Fpasswd',
    'a%0Ab',
    'dir/',
  ].map(
    (key): Case => ({
      name: `key ${JSON.stringify(key)}`,
      method: 'PUT',
      url: at('all', key),
      body: 'evil',
      status: 400,
      code: 'INVALID_KEY',
    }),
  ),
  {
    name: 'a malformed percent escape',
    method: 'GET',
    url: at('all', 'a%zz'),
    status: 400,
    code: 'INVALID_PATH',
  },
  {
    name: 'an over-long key',
    method: 'PUT',
    url: at('all', 'k'.repeat(1100)),
    body: 'x',
    status: 400,
    code: 'KEY_TOO_LONG',
  },
  {
    name: 'an over-long key segment',
    method: 'PUT',
    url: at('all', `d/${'s'.repeat(300)}`),
    body: 'x',
    status: 400,
    code: 'KEY_TOO_LONG',
  },
  // Tokens.
  {
    name: 'a forged token',
    method: 'GET',
    url: () => (paths.readObject as string).replace(/\.(.)/, (_, c) => `.${c === 'A' ? 'B' : 'A'}`),
    status: 403,
    code: 'TOKEN_INVALID',
  },
  {
    name: 'a truncated token',
    method: 'GET',
    url: () => (paths.readObject as string).replace(/(\/p\/[^/]{20})[^/]*/, '$1'),
    status: 403,
    code: 'TOKEN_INVALID',
  },
  {
    name: 'a token without its MAC',
    method: 'GET',
    url: () => (paths.readObject as string).replace(/\.[^/]*/, ''),
    status: 403,
    code: 'TOKEN_INVALID',
  },
  {
    name: 'a garbage token',
    method: 'GET',
    url: () => '/p/garbage/n/parkit/b/b/o/dir/file.txt',
    status: 403,
    code: 'TOKEN_INVALID',
  },
  {
    name: 'an expired token',
    method: 'GET',
    url: at('shortLived', 'dir/file.txt'),
    status: 403,
    code: 'PAR_EXPIRED',
    before: async () => {
      now += 61_000;
    },
  },
  {
    name: 'a revoked token',
    method: 'GET',
    url: at('revoked', 'dir/file.txt'),
    status: 403,
    code: 'PAR_REVOKED',
  },
  { name: "another server's token", method: 'GET', url: base('foreign'), status: 403, code: 'TOKEN_INVALID' },
  // Scope.
  {
    name: 'a token used on the wrong bucket',
    method: 'GET',
    url: () => (paths.readBucket as string).replace('/b/b/', '/b/other/'),
    status: 403,
    code: 'WRONG_BUCKET',
  },
  {
    name: 'a token used on the wrong namespace',
    method: 'GET',
    url: () => (paths.readBucket as string).replace('/n/parkit/', '/n/elsewhere/'),
    status: 403,
    code: 'WRONG_BUCKET',
  },
  {
    name: 'write with a read Par',
    method: 'PUT',
    url: at('readBucket', 'dir/file.txt'),
    body: 'overwrite',
    status: 403,
    code: 'PERMISSION_DENIED',
  },
  {
    name: 'delete with a read Par',
    method: 'DELETE',
    url: at('readObject', 'dir/file.txt'),
    status: 403,
    code: 'PERMISSION_DENIED',
  },
  {
    name: 'list with an object Par',
    method: 'GET',
    url: () => (paths.readObject as string).replace(/dir\/file\.txt$/, ''),
    status: 403,
    code: 'LIST_NOT_ALLOWED',
  },
  {
    name: 'an object Par on another key',
    method: 'GET',
    url: () => (paths.readObject as string).replace(/file\.txt$/, 'other.txt'),
    status: 403,
    code: 'OUT_OF_SCOPE',
  },
  {
    name: 'a prefix Par escaping its prefix',
    method: 'PUT',
    url: at('prefix', 'outside.txt'),
    body: 'x',
    status: 403,
    code: 'OUT_OF_SCOPE',
  },
  {
    name: 'a prefix Par listing another prefix',
    method: 'GET',
    url: at('prefix', '?prefix=other/'),
    status: 403,
    code: 'OUT_OF_SCOPE',
  },
  // Bodies.
  {
    name: 'an oversized body (declared)',
    method: 'PUT',
    url: at('all', 'big.bin'),
    headers: { 'content-length': '2000' },
    body: Buffer.alloc(2000),
    status: 413,
    code: 'BODY_TOO_LARGE',
  },
  {
    name: 'an oversized body (streamed)',
    method: 'PUT',
    url: at('all', 'big.bin'),
    body: Buffer.alloc(2000),
    status: 413,
    code: 'BODY_TOO_LARGE',
  },
  {
    name: 'a body shorter than declared',
    method: 'PUT',
    url: at('all', 'dir/file.txt'),
    headers: { 'content-length': '50' },
    body: 'short',
    status: 400,
    code: 'INCOMPLETE_BODY',
  },
  {
    name: 'a wrong x-checksum-sha256',
    method: 'PUT',
    url: at('all', 'dir/file.txt'),
    headers: { 'x-checksum-sha256': '0'.repeat(64) },
    body: 'version two',
    status: 400,
    code: 'CHECKSUM_MISMATCH',
  },
  {
    name: 'a wrong Content-MD5',
    method: 'PUT',
    url: at('all', 'dir/file.txt'),
    headers: { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' },
    body: 'version two',
    status: 400,
    code: 'CHECKSUM_MISMATCH',
  },
  {
    name: 'a malformed Content-MD5',
    method: 'PUT',
    url: at('all', 'dir/file.txt'),
    headers: { 'content-md5': 'nope' },
    body: 'version two',
    status: 400,
    code: 'INVALID_CHECKSUM',
  },
  {
    name: 'If-None-Match: * on an existing object',
    method: 'PUT',
    url: at('all', 'dir/file.txt'),
    headers: { 'if-none-match': '*' },
    body: 'version two',
    status: 412,
    code: 'PRECONDITION_FAILED',
  },
  {
    name: 'If-Match with a stale etag',
    method: 'PUT',
    url: at('all', 'dir/file.txt'),
    headers: { 'if-match': '"stale"' },
    body: 'version two',
    status: 412,
    code: 'PRECONDITION_FAILED',
  },
  {
    name: 'an object where a prefix exists',
    method: 'PUT',
    url: at('all', 'dir'),
    body: 'x',
    status: 409,
    code: 'KEY_CONFLICT',
  },
  {
    name: 'an object below an object',
    method: 'PUT',
    url: at('all', 'dir/file.txt/x'),
    body: 'x',
    status: 409,
    code: 'KEY_CONFLICT',
  },
  {
    name: 'a listing limit out of range',
    method: 'GET',
    url: at('all', '?limit=0'),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'an unsupported delimiter',
    method: 'GET',
    url: at('all', '?delimiter=-'),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'an unknown listing field',
    method: 'GET',
    url: at('all', '?fields=name,owner'),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'a range outside the object',
    method: 'GET',
    url: at('all', 'dir/file.txt'),
    headers: { range: 'bytes=500-' },
    status: 416,
    code: 'RANGE_NOT_SATISFIABLE',
  },
  {
    name: 'a delete of a missing object',
    method: 'DELETE',
    url: at('all', 'dir/missing.txt'),
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'POST on an access URL',
    method: 'POST',
    url: at('all', 'dir/file.txt'),
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
  },
  // Admin API.
  {
    name: 'a missing admin key',
    method: 'GET',
    url: () => '/admin/v1/buckets',
    status: 401,
    code: 'ADMIN_KEY_MISSING',
  },
  {
    name: 'a wrong admin key',
    method: 'POST',
    url: () => '/admin/v1/buckets',
    headers: { authorization: 'Bearer wrong-key-wrong-key' },
    body: '{"name":"x"}',
    status: 401,
    code: 'ADMIN_KEY_INVALID',
  },
  ...['{nope', '[1]', '"text"', '{"name":"x","__proto__":{"admin":true}}', ''].map(
    (body): Case => ({
      name: `malformed admin JSON ${JSON.stringify(body)}`,
      method: 'POST',
      url: () => '/admin/v1/buckets',
      headers: auth,
      body,
      status: 400,
      code: 'MALFORMED_JSON',
    }),
  ),
  {
    name: 'an invalid bucket name',
    method: 'POST',
    url: () => '/admin/v1/buckets',
    headers: auth,
    body: '{"name":"../etc"}',
    status: 400,
    code: 'INVALID_BUCKET_NAME',
  },
  {
    name: 'the reserved bucket name',
    method: 'POST',
    url: () => '/admin/v1/buckets',
    headers: auth,
    body: '{"name":".parkit"}',
    status: 400,
    code: 'INVALID_BUCKET_NAME',
  },
  {
    name: 'an existing bucket',
    method: 'POST',
    url: () => '/admin/v1/buckets',
    headers: auth,
    body: '{"name":"b"}',
    status: 409,
    code: 'BUCKET_EXISTS',
  },
  {
    name: 'deleting a bucket that holds objects',
    method: 'DELETE',
    url: () => '/admin/v1/buckets/b',
    headers: auth,
    status: 409,
    code: 'BUCKET_NOT_EMPTY',
  },
  ...(
    [
      ['minting on a missing bucket', { bucket: 'nope' }, 404, 'BUCKET_NOT_FOUND'],
      ['minting with a traversal key', { key: '../admin.key' }, 400, 'INVALID_KEY'],
      [
        'minting list on an object',
        { key: 'dir/file.txt', permissions: ['read', 'list'] },
        400,
        'INVALID_PERMISSIONS',
      ],
      ['minting an unknown permission', { permissions: ['read', 'sudo'] }, 400, 'INVALID_PERMISSIONS'],
      ['minting an expiry in the past', { expiresIn: -5 }, 400, 'INVALID_EXPIRY'],
      ['minting beyond the longest lifetime', { expiresIn: 400 * 24 * 3600 }, 400, 'INVALID_EXPIRY'],
      ['minting for a malformed recipient', { recipients: ['age1nope'] }, 400, 'INVALID_RECIPIENTS'],
      ['minting for no recipient', { recipients: [] }, 400, 'INVALID_RECIPIENTS'],
      [
        'minting for a recipient with a bad checksum',
        { recipients: [`age1${'q'.repeat(58)}`] },
        400,
        'INVALID_RECIPIENTS',
      ],
    ] as const
  ).map(
    ([name, fields, status, code]): Case => ({
      name,
      method: 'POST',
      url: () => '/admin/v1/pars',
      headers: auth,
      body: () =>
        JSON.stringify({
          bucket: 'b',
          permissions: ['read'],
          expiresIn: 60,
          recipients: [recipient],
          ...fields,
        }),
      status,
      code,
    }),
  ),
];

describe('bad input is refused with a stable code and changes nothing', () => {
  for (const c of cases) {
    it(c.name, async () => {
      await c.before?.();
      const before = await snapshot(dataDir);
      const answer = await inject(app.handle, {
        method: c.method,
        url: c.url(),
        ...(c.headers === undefined ? {} : { headers: c.headers }),
        ...(c.body === undefined ? {} : { body: typeof c.body === 'function' ? c.body() : c.body }),
      });
      expect({ status: answer.status, code: answer.json().code }).toEqual({ status: c.status, code: c.code });
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(typeof answer.json().message).toBe('string');
      const text = answer.body.toString();
      for (const secret of [...tokens, ADMIN_KEY, dataDir]) expect(text).not.toContain(secret);
      expect(await snapshot(dataDir)).toEqual(before);
      expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
    });
  }
});
