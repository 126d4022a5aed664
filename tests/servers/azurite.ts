/**
 * A throwaway Azurite (Microsoft's Azure Storage emulator, npm `azurite`) Blob service on an
 * ephemeral loopback port, in memory, for tests that prove SAS over real HTTP. Also small
 * account-key helpers the tests use to set the scene (creating containers, reading blobs
 * without a SAS).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DateTime } from 'luxon';
import { type AccountAccess, accountRequest, decodeAccountKey } from '../../src/issuers/azure/account.js';

/** Azurite's well-known development account (published in Microsoft's Azurite documentation). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
/** Azurite's well-known development account key (public; it guards only the emulator). */
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Where a running Azurite answers. */
export interface AzuriteInfo {
  /** Path-style Blob endpoint, `http://127.0.0.1:PORT/devstoreaccount1`. */
  readonly endpoint: string;
  readonly accountName: string;
  readonly accountKey: string;
}

/** A running Azurite. */
export interface RunningAzurite extends AzuriteInfo {
  stop(): Promise<void>;
}

/**
 * Start Azurite's Blob service: in-memory, no telemetry, any API version accepted.
 *
 * @returns where it listens, and how to stop it
 */
export async function startAzurite(): Promise<RunningAzurite> {
  const main = join(
    dirname(createRequire(import.meta.url).resolve('azurite/package.json')),
    'dist/src/blob/main.js',
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '512',
      '--disableTelemetry',
      '--skipApiVersionCheck',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start in 30 s: ${seen.slice(-500)}`)),
      30_000,
    );
    const onData = (data: Buffer) => {
      seen += data.toString();
      const match = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited (${code}) before listening: ${seen.slice(-500)}`));
    });
  });
  // Keep reading its output so a full pipe never blocks it.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    endpoint: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    },
  };
}

/**
 * Account-key access to Azurite for setting up tests.
 *
 * @param info - where Azurite runs
 */
export function accountAccess(info: AzuriteInfo): AccountAccess {
  return {
    account: info.accountName,
    key: decodeAccountKey(info.accountKey),
    version: '2025-11-05',
    fetch: globalThis.fetch.bind(globalThis),
    now: () => DateTime.utc(),
  };
}

let containers = 0;

/**
 * Create a fresh, uniquely named container.
 *
 * @param info - where Azurite runs
 * @param label - a short label (lowercase letters and digits) for the name
 * @returns its name
 */
export async function createContainer(info: AzuriteInfo, label = 'test'): Promise<string> {
  containers += 1;
  const name = `${label}-${process.pid}-${containers}-${Math.random().toString(36).slice(2, 8)}`;
  const response = await accountRequest(accountAccess(info), {
    method: 'PUT',
    url: new URL(`${info.endpoint}/${name}?restype=container`),
  });
  await response.body?.cancel();
  return name;
}

/**
 * Read a blob with the account key (bypassing any SAS), or undefined when it does not exist.
 *
 * @param info - where Azurite runs
 * @param container - the container
 * @param blobPath - the blob's URL path (already encoded)
 */
export async function readWithKey(
  info: AzuriteInfo,
  container: string,
  blobPath: string,
): Promise<Uint8Array | undefined> {
  try {
    const response = await accountRequest(accountAccess(info), {
      method: 'GET',
      url: new URL(`${info.endpoint}/${container}/${blobPath}`),
    });
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if ((error as { code?: string }).code === 'PARKIT_NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * How many blocks a blob has, committed or staged but not committed (Get Block List, account key).
 *
 * @param info - where Azurite runs
 * @param container - the container
 * @param blobPath - the blob's URL path (already encoded)
 * @param kind - which list
 */
export async function blockCount(
  info: AzuriteInfo,
  container: string,
  blobPath: string,
  kind: 'committed' | 'uncommitted',
): Promise<number> {
  const response = await accountRequest(accountAccess(info), {
    method: 'GET',
    url: new URL(`${info.endpoint}/${container}/${blobPath}?comp=blocklist&blocklisttype=${kind}`),
  });
  const text = await response.text();
  return (text.match(/<Block>/g) ?? []).length;
}
