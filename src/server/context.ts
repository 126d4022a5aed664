/**
 * What every request handler of the server shares.
 *
 * @internal
 * @module
 */
import type { BucketRegistry } from './admin/bucket-registry.js';
import type { ComputeService } from './compute/service.js';
import type { FlowEngine } from './flows/engine.js';
import type { ParRegistry } from './pars/registry.js';
import type { TokenSigner } from './pars/token.js';
import type { RecordStore } from './storage/records.js';
import type { ObjectStore } from './storage/store.js';

/** The server's shared state and settings. */
export interface ServerContext {
  readonly store: ObjectStore;
  readonly records: RecordStore;
  readonly pars: ParRegistry;
  readonly buckets: BucketRegistry;
  readonly signer: TokenSigner;
  /** SHA-256 of the admin key (compared in constant time). */
  readonly adminKeyDigest: Buffer;
  /** The object storage namespace in access URLs. */
  readonly namespace: string;
  /** Largest PUT body, in bytes. */
  readonly maxBodyBytes: number;
  /** Longest Par lifetime the admin API mints, in seconds. */
  readonly maxLifetimeSeconds: number;
  /** The current time, epoch milliseconds. */
  readonly now: () => number;
  /** The base URL access URLs start with (no trailing slash). */
  readonly publicUrl: () => string;
  /** The compute service, when the server was given functions. */
  readonly compute: ComputeService | undefined;
  /** The flows engine (absent only while the server is being built). */
  readonly flows?: FlowEngine;
}
