/**
 * parkit — pre-authenticated requests (PARs): sealed, time-limited links to read, write or run
 * something in an object store without holding its credentials.
 *
 * This entry point is the isomorphic core (browsers, Node, Deno, Bun). The embedded server is
 * `parkit/server`.
 *
 * @packageDocumentation
 */
export {
  BucketReader,
  type BulkOptions,
  type ListOptions,
  type ListPageOptions,
  type StringsResult,
} from './access/bucket-reader.js';
export { BucketWriter } from './access/bucket-writer.js';
export { ComputeRunner } from './access/compute-runner.js';
export type { ByteRange, ListedObject, ListPage, ObjectStat, UploadedPart } from './access/endpoint.js';
export { isFinalStatus, Job, type JobWaitOptions } from './access/job.js';
export type { JobPage, RunnerCallOptions, RunnerEndpoint } from './access/job-endpoint.js';
export {
  type CalculationDescription,
  type CalculationGrant,
  FINAL_JOB_STATES,
  type JobLogLine,
  type JobLogs,
  type JobObject,
  type JobProgress,
  type JobState,
  type JobStatus,
} from './access/job-status.js';
export { ObjectReader } from './access/object-reader.js';
export { type ObjectData, ObjectWriter, type WriteOptions } from './access/object-writer.js';
export type { AccessOptions, OperationOptions, PartOptions, RangeOptions } from './access/options.js';
export type { RetryOptions } from './access/retry.js';
export type { FileDownloadOptions, Progress, SavedFile, TransferOptions } from './access/transfer.js';
export {
  type FlowPageOptions,
  type LineageOptions,
  ParkitFlows,
  type ParkitFlowsOptions,
  type ProvenanceOptions,
} from './flows/client.js';
export type {
  DataRef,
  DataVersion,
  DataVersionRef,
  Flow,
  FlowDefinition,
  FlowIngestion,
  FlowInput,
  FlowOutput,
  FlowPolicy,
  FlowRun,
  FlowState,
  IngestionDefinition,
  Lineage,
  LineageDirection,
  LineageEdge,
  RetryPolicy,
  RunData,
  RunState,
  RunTrigger,
  TrackedData,
} from './flows/model.js';
export {
  type CartCallOptions,
  CartClient,
  type CartClientOptions,
  type CartState,
  type CartStatus,
} from './handoff/cart-client.js';
export {
  type DownloadedFile,
  Downloader,
  type DownloaderOptions,
  type DownloadOptions,
  type DownloadResult,
  type DownloadSource,
} from './handoff/downloader.js';
export { type ExtractOptions, extractCart } from './handoff/extract.js';
export { checkHashType, createHasher, HASH_TYPES, type Hasher, type HashType } from './handoff/hashes.js';
export {
  type CartFile,
  isPacificaEvent,
  PACIFICA_INGEST_TYPE,
  pacificaCartFiles,
} from './handoff/pacifica-event.js';
export type { DownloadProgress } from './handoff/progress.js';
export {
  type ReceivedShare,
  readShareEvent,
  readShareEventData,
  SHARE_EVENT_TYPE,
  SHARE_EVENT_VERSION,
  type ShareEvent,
  type ShareEventAttributes,
  type ShareEventData,
  type ShareEventOptions,
  shareEvent,
  shareEventData,
} from './handoff/share-event.js';
export { readTar, type TarEntry, type TarEntryType, type TarItem } from './handoff/tar.js';
export {
  AZURE_PARKIT_POLICY_PREFIX,
  AzureIssuer,
  type AzureIssuerOptions,
  type AzureParOptions,
  type AzurePolicyOptions,
} from './issuers/azure/issuer.js';
export { type AzureStoredPolicy, MAX_AZURE_STORED_POLICIES } from './issuers/azure/policies.js';
export { AZURE_SAS_VERSION, type AzureResponseHeaders } from './issuers/azure/sas.js';
export type { AzureIpRange, AzureSasProtocol } from './issuers/azure/sas-fields.js';
export type { AzureInstant, AzureLifetime, AzureSasOptions } from './issuers/azure/sas-options.js';
export {
  GcsIssuer,
  type GcsParOptions,
  type GcsPresignOptions,
} from './issuers/gcs/issuer.js';
export type {
  GcsHmacKey,
  GcsIssuerOptions,
  GcsServiceAccount,
  GcsUrlStyle,
} from './issuers/gcs/options.js';
export {
  OCI_ACCESS_TYPES,
  type OciAccessType,
  type OciBucketListing,
  type OciParUrl,
  ociPermissions,
  parseOciParUrl,
  type WrapOciParOptions,
  wrapOciPar,
} from './issuers/oci.js';
export {
  type AdminCallOptions,
  ParkitAdmin,
  type ParkitAdminOptions,
  type ServerBucket,
  type ServerParInfo,
  type ServerParRequest,
} from './issuers/parkit-admin.js';
export type {
  BucketGrantRequest,
  ExecutableParRequest,
  ServerCalculation,
  ServerJobInfo,
} from './issuers/parkit-calculations.js';
export { MAX_PRESIGNED_PARTS } from './issuers/s3/grant-urls.js';
export {
  MAX_POST_BYTES,
  S3Issuer,
  type S3PostOptions,
  type S3PresignOptions,
  type S3UploadOptions,
} from './issuers/s3/issuer.js';
export type { S3IssuerOptions, S3StsOptions } from './issuers/s3/options.js';
export type { S3ParOptions } from './issuers/s3/pars.js';
export type { S3PostForm } from './issuers/s3/post-policy.js';
export { MAX_PRESIGN_SECONDS } from './issuers/sigv4/lifetime.js';
export { PRESIGN_METHODS, type PresignMethod } from './issuers/sigv4/request-input.js';
export { CHECKSUM_TOOL } from './observe/download-report.js';
export {
  LucoClient,
  type LucoFindOptions,
  type LucoSearchOptions,
  type LucoSubmissionRef,
} from './observe/luco/client.js';
export type {
  LucoAzureCredentials,
  LucoClientOptions,
  LucoDefinitionEntry,
  LucoIdentity,
  LucoLogEntry,
  LucoSequenceDefinition,
  LucoToken,
} from './observe/luco/options.js';
export { LucoRecorder, type LucoRecorderOptions } from './observe/luco/recorder.js';
export {
  type ClosestSubmission,
  COMPLETED_STATUS,
  type Delivery,
  type FindDirection,
  type Metric,
  OBSERVE_LIMITS,
  type QualityAction,
  type QualityResult,
  type RunEnvironment,
  type RunEnvironmentData,
  type SequenceDefinition,
  type SequenceParameter,
  type SequenceSchedule,
  type Slot,
  type SlotSequence,
  type SlotSubmission,
  type Submission,
  type SubmissionRef,
  type SubmissionStatus,
} from './observe/model.js';
export {
  type ClosestTarget,
  type FindClosestOptions,
  type FindSubmissionsOptions,
  type NewSubmissionOptions,
  type Page,
  type PageOptions,
  ParkitObserver,
  type ParkitObserverOptions,
  type SlotChoice,
  type WindowOptions,
} from './observe/observer.js';
export {
  failureMessage,
  type ObserveOptions,
  type RunReport,
  type RunReporting,
  recordRun,
} from './observe/record-run.js';
export {
  combineRecorders,
  type MetricsInput,
  type QualityInput,
  type RecorderCallOptions,
  type StatusInput,
  type SubmissionHandle,
  type SubmissionRecorder,
  type SubmissionStart,
} from './observe/recorder.js';
export type { TimeInput } from './observe/time-input.js';
export type { ParData } from './par/data.js';
export { DRIVERS, type Driver } from './par/driver.js';
export {
  ArgumentError,
  type ArgumentErrorOptions,
  ConflictError,
  DecryptionError,
  type ErrorContext,
  ExpiredError,
  FormatError,
  isParkitError,
  JobError,
  type JobErrorOptions,
  type JobFailureReason,
  NotFoundError,
  NotSupportedError,
  ParkitError,
  type ParkitErrorCode,
  type ParkitErrorOptions,
  PermissionError,
  QuotaError,
  RemoteServiceError,
  type RemoteServiceErrorOptions,
  TamperError,
  TransferError,
  type TransferErrorOptions,
} from './par/errors.js';
export { type Clock, DEFAULT_BUFFER_SECONDS, type ExpiresInput } from './par/expiry.js';
export {
  type BufferOptions,
  type CreateParOptions,
  type DecodeOptions,
  Par,
  type ParSummary,
  type RandomSource,
  type ReaderFor,
  type WriterFor,
} from './par/par.js';
export { PERMISSIONS, type Permission } from './par/permissions.js';
export { redactUrl } from './par/redact.js';
export type { BucketTarget, CalculationTarget, ObjectTarget, Target } from './par/target.js';
export { TOKEN_PREFIX } from './par/token.js';
export {
  generateIdentity,
  type Identity,
  identityToRecipient,
  type PassphraseRecipient,
  type Recipient,
} from './seal/keys.js';
export { openSealed, seal } from './seal/seal.js';
export {
  DEFAULT_STOA_CONCURRENCY,
  type StoaCallOptions,
  StoaClient,
  type StoaClientSummary,
  type StoaFetchOptions,
  type StoaOrderOptions,
  type StoaParsOptions,
  type StoaSignedSource,
  type StoaSignOptions,
} from './stoa/client.js';
export { StoaFetchError, type StoaFileFailure } from './stoa/errors.js';
export type {
  StoaColumnsResult,
  StoaFetchResult,
  StoaFileSummary,
  StoaFormat,
  StoaJsonResult,
  StoaRecord,
} from './stoa/fetch.js';
export {
  MAX_ORDER_LIMIT,
  STOA_ENVIRONMENTS,
  type StoaClientOptions,
  type StoaConnection,
  type StoaCredentials,
  type StoaEnvironment,
  type StoaIdentity,
  type StoaProduct,
  type StoaToken,
  type StoaUrls,
  type StoaWorkspace,
} from './stoa/options.js';
export { DEFAULT_STOA_LIFETIME } from './stoa/pars.js';
