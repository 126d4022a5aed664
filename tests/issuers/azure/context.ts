/**
 * What the Azure tests share: the Azurite the global setup started, an issuer for it, a key
 * pair for sealing, and a helper that captures the error a promise rejects with.
 */
import { inject } from 'vitest';
import { AzureIssuer, type AzureIssuerOptions } from '../../../src/index.js';
import { keyPair } from '../../helpers/fixtures.js';
import { type AzuriteInfo, createContainer } from '../../servers/azurite.js';

/** The running Azurite. */
export function azurite(): AzuriteInfo {
  return inject('azurite');
}

/**
 * An issuer for the running Azurite.
 *
 * @param options - overrides (clock, protocol defaults…)
 */
export function azuriteIssuer(options: Partial<AzureIssuerOptions> = {}): AzureIssuer {
  const info = azurite();
  return new AzureIssuer({
    accountName: info.accountName,
    accountKey: info.accountKey,
    endpoint: info.endpoint,
    ...options,
  });
}

/** A fresh container, issuer and key pair. */
export async function scene(label: string) {
  const [keys, container] = await Promise.all([keyPair(), createContainer(azurite(), label)]);
  return { issuer: azuriteIssuer(), container, ...keys };
}

/**
 * The error `work` fails with (the test fails if it succeeds).
 *
 * @param work - what should fail
 */
export async function failure(
  work: () => unknown,
): Promise<Error & { code?: string; context?: Record<string, unknown> }> {
  try {
    await work();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure');
}
