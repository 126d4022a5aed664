/**
 * `parkit/server`: the embedded parkit server (Node only). It issues Pars for objects, buckets
 * and key prefixes of its own store, serves them under `/p/{token}/…` (the OCI Object Storage
 * PAR shape) and revokes them on request. See docs/server.md.
 *
 * @packageDocumentation
 */

/** The version of the server API this entry point provides. */
export const SERVER_API_VERSION = 1;
export {
  decodeHttp,
  encodeHttp,
  type HttpMessage,
  type HttpMode,
  MAX_EVENT_BYTES,
  type ReceivedEvent,
  sendCloudEvent,
  shareCloudEvent,
} from '../handoff/node-events.js';
export { ADMIN_KEY_FILE, readAdminKey } from './admin/admin-key.js';
export {
  type App,
  type AppOptions,
  createApp,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_LIFETIME_SECONDS,
  DEFAULT_NAMESPACE,
} from './app.js';
export type {
  CalculationContext,
  CalculationFunction,
  CalculationInfo,
  CalculationLimits,
  ProgressReport,
} from './compute/calculation.js';
export type { BucketGrant, ExecutionGrant } from './compute/execution-grant.js';
export type {
  JobAdminView,
  JobFailure,
  JobRecord,
  JobView,
  ObjectVersion,
  StoredJobProgress,
} from './compute/job-record.js';
export type { ArgumentSchema, SchemaType } from './compute/schema.js';
export type { ComputeSettings } from './compute/settings.js';
export type { FlowSettings } from './flows/engine.js';
export {
  type WatchLogEntry,
  type WatchOptions,
  type WatchServer,
  watchShares,
} from './handoff/share-listener.js';
export type { RequestLogEntry, RequestLogger } from './http/log.js';
export { localRecorder } from './observe/local-recorder.js';
export type { AccessClaims, GrantScope } from './pars/claims.js';
export type { ParEntry, ParListing } from './pars/registry.js';
export { createServer, type FlowScheduler, type ParkitServer, type ServerOptions } from './server.js';
export { StoreError, type StoreErrorCode } from './storage/errors.js';
export { FileSystemStore, type FileSystemStoreOptions } from './storage/fs-store.js';
export {
  MAX_RECORD_BYTES,
  type RecordIdPage,
  type RecordListOptions,
  RecordStore,
  type StoredRecord,
} from './storage/records.js';
export {
  type ListOptions,
  type ListResult,
  type ObjectInfo,
  type ObjectStore,
  type OpenedObject,
  type PutOptions,
  SYSTEM_BUCKET,
} from './storage/store.js';
