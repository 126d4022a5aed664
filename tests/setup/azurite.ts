/**
 * Vitest global setup: one in-memory Azurite Blob service on an ephemeral loopback port for the
 * whole run, shared with the tests through `provide('azurite', …)` / `inject('azurite')`, and
 * stopped at teardown.
 */
import type { TestProject } from 'vitest/node';
import { type AzuriteInfo, startAzurite } from '../servers/azurite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    azurite: AzuriteInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite();
  project.provide('azurite', {
    endpoint: azurite.endpoint,
    accountName: azurite.accountName,
    accountKey: azurite.accountKey,
  });
  return () => azurite.stop();
}
