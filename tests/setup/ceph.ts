/**
 * Vitest global setup: start a throwaway Ceph RGW (tests/servers/ceph.ts) for the whole run and
 * hand its endpoint and credentials to the tests (`inject('ceph')`); kill it at teardown.
 * Runs after the Debian-package setup, which installs radosgw, ceph-mon and ceph-osd.
 */
import type { TestProject } from 'vitest/node';
import { type CephInfo, startCeph } from '../servers/ceph.js';

declare module 'vitest' {
  export interface ProvidedContext {
    ceph: CephInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCeph();
  const { endpoint, region, accessKeyId, secretAccessKey, roleArn } = cluster;
  project.provide('ceph', { endpoint, region, accessKeyId, secretAccessKey, roleArn });
  console.log(`Ceph RGW ready at ${endpoint} in ${cluster.startSeconds.toFixed(1)} s`);
  return () => cluster.stop();
}
