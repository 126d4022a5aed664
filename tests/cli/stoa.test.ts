/**
 * `parkit stoa order|sign|fetch|pars` as real processes against the local Stoa server
 * (tests/servers/stoa.ts, PROTOCOLS §1): credentials from the environment or flags, never printed;
 * signed URLs redacted unless --reveal; pars sealed to --to and readable by that identity only.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Par } from '../../src/index.js';
import { keyPair } from '../helpers/fixtures.js';
import { readings } from '../helpers/parquet.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  EMAIL,
  PASSWORD,
  PRODUCT,
  parquetFiles,
  stoaServer,
} from '../helpers/stoa.js';
import type { StoaServer } from '../servers/stoa.js';
import { identityFile, parkit, type Run } from './helpers/run.js';

let server: StoaServer;
const files = parquetFiles(3, 5);
const keys = Object.keys(files).sort();
const me = await keyPair();

beforeAll(async () => {
  server = await stoaServer();
  server.addDataset(PRODUCT, files);
});
afterAll(() => server.close());

function product(): string[] {
  return [
    '--product-group',
    PRODUCT.productGroupName,
    '--product',
    PRODUCT.productName,
    '--workspace',
    PRODUCT.workspace,
    '--owner',
    PRODUCT.ownerId,
    '--login-url',
    server.urls.login,
    '--token-url',
    server.urls.token,
    '--order-url',
    server.urls.order,
    '--sign-url',
    server.urls.sign,
  ];
}

const rest = { STOA_EMAIL: EMAIL, STOA_PASSWORD: PASSWORD };
const oauth = { STOA_CLIENT_ID: CLIENT_ID, STOA_CLIENT_SECRET: CLIENT_SECRET };

function noCredentials(run: Run) {
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toContain('X-Amz-Signature=');
  }
}

describe('parkit stoa', () => {
  it('orders keys with rest credentials from the environment (text and --json)', async () => {
    const run = await parkit(['stoa', 'order', ...product()], { env: rest });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').sort()).toEqual(keys);
    const json = await parkit(['stoa', 'order', ...product(), '--json', '--limit', '2', '--ascending'], {
      env: oauth,
    });
    expect(JSON.parse(json.stdout)).toHaveLength(2);
    noCredentials(run);
    noCredentials(json);
  });

  it('signs keys, showing URLs redacted unless --reveal', async () => {
    const redacted = await parkit(['stoa', 'sign', ...product()], { env: oauth });
    expect(redacted.code).toBe(0);
    expect(redacted.stdout).toMatch(/part-0000\.snappy\.parquet\thttp:\/\/127\.0\.0\.1:\d+\/.+\?…/);
    noCredentials(redacted);
    const revealed = JSON.parse(
      (await parkit(['stoa', 'sign', ...product(), '--reveal', '--json'], { env: oauth })).stdout,
    );
    expect(Object.keys(revealed).sort()).toEqual(keys);
    expect(Object.values(revealed)[0]).toMatch(/X-Amz-Signature=/);
  });

  it('fetches every file and prints the rows, one JSON record per line', async () => {
    const run = await parkit(['stoa', 'fetch', ...product()], { env: rest });
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // The service orders newest first (ascending=False): files come in that order.
    expect(rows.slice(0, 5)).toEqual(readings(10, 5));
    expect(rows.sort((a, b) => a.id - b.id)).toEqual(readings(0, 15));
    const columns = JSON.parse(
      (await parkit(['stoa', 'fetch', ...product(), '--format', 'columns', '--json'], { env: rest })).stdout,
    );
    expect(columns.rowCount).toBe(15);
    expect([...columns.columns.id].sort((a, b) => a - b)).toEqual(readings(0, 15).map((row) => row.id));
  });

  it('wraps signed files as Pars sealed to --to, readable by that identity', async () => {
    const run = await parkit(['stoa', 'pars', ...product(), '--to', me.recipient], { env: rest });
    expect(run.code).toBe(0);
    const tokens = run.stdout.trim().split('\n');
    expect(tokens).toHaveLength(3);
    const par = Par.fromToken(tokens[0] as string);
    expect(par).toMatchObject({ driver: 'stoa', permissions: ['read'] });
    const dir = mkdtempSync(join(tmpdir(), 'parkit-stoa-'));
    const got = await parkit([
      'get',
      tokens[0] as string,
      '-o',
      join(dir, 'f.parquet'),
      '-i',
      identityFile(me.identity),
    ]);
    expect(got.code).toBe(0);
    const key = (par.target as { key: string }).key;
    expect(new Uint8Array(readFileSync(join(dir, 'f.parquet')))).toEqual(files[key]);
    noCredentials(run);
  });

  it("exits 8 with the service's refusal for bad credentials, and 2 without any", async () => {
    const refused = await parkit(['stoa', 'order', ...product()], {
      env: { STOA_EMAIL: EMAIL, STOA_PASSWORD: 'wrong-password' },
    });
    expect(refused.code).toBe(8);
    expect(refused.stderr).toMatch(/^parkit: PARKIT_REMOTE_SERVICE: Stoa login was refused \(401/);
    expect(refused.stderr).not.toContain('wrong-password');
    const none = await parkit(['stoa', 'order', ...product()], {
      env: { STOA_EMAIL: undefined, STOA_PASSWORD: undefined },
    });
    expect(none.code).toBe(2);
    const badLimit = await parkit(['stoa', 'order', ...product(), '--limit', '50'], { env: rest });
    expect(badLimit.code).toBe(2);
  });
});
