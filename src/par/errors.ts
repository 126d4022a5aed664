/**
 * Typed errors. Every error parkit throws on purpose is a {@link ParkitError} with a stable
 * machine `code`; argument mistakes are plain `TypeError`/`RangeError` naming the argument.
 *
 * Messages and context fields never contain a URL, signature, token or key: they are safe to log.
 *
 * @module
 */

/** Stable machine codes, one per kind of failure a caller may handle differently. */
export type ParkitErrorCode =
  | 'PARKIT_EXPIRED'
  | 'PARKIT_PERMISSION_DENIED'
  | 'PARKIT_DECRYPTION_FAILED'
  | 'PARKIT_TAMPERED'
  | 'PARKIT_INVALID_FORMAT'
  | 'PARKIT_NOT_FOUND'
  | 'PARKIT_CONFLICT'
  | 'PARKIT_TRANSFER_FAILED'
  | 'PARKIT_REMOTE_SERVICE'
  | 'PARKIT_NOT_SUPPORTED'
  | 'PARKIT_ARGUMENT_REJECTED'
  | 'PARKIT_QUOTA_EXHAUSTED'
  | 'PARKIT_JOB_FAILED';

/** Non-secret facts about a failure (field names, statuses, counts, redacted URLs). */
export type ErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** Options shared by every parkit error. */
export interface ParkitErrorOptions {
  /** The underlying error, if any (standard `Error.cause`). */
  readonly cause?: unknown;
  /** Non-secret facts about the failure. */
  readonly context?: ErrorContext;
}

/**
 * Base class of every error parkit throws on purpose.
 *
 * @example
 * ```ts
 * import { isParkitError } from 'parkit';
 * try {
 *   await par.url(identity);
 * } catch (error) {
 *   if (isParkitError(error, 'PARKIT_EXPIRED')) console.log('ask for a fresh link');
 * }
 * ```
 */
export class ParkitError extends Error {
  override name = 'ParkitError';
  /** Stable machine code; safe to branch on. */
  readonly code: ParkitErrorCode;
  /** Non-secret facts about the failure. */
  readonly context: ErrorContext;

  /**
   * @param code - the stable machine code
   * @param message - a human sentence, without secrets
   * @param options - cause and context
   */
  constructor(code: ParkitErrorCode, message: string, options: ParkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = Object.freeze({ ...options.context });
  }
}

/** The Par's validity (less the safety buffer) has run out. */
export class ExpiredError extends ParkitError {
  override name = 'ExpiredError';
  constructor(message = 'the Par has expired', options?: ParkitErrorOptions) {
    super('PARKIT_EXPIRED', message, options);
  }
}

/** The Par (or the server) does not allow this operation. */
export class PermissionError extends ParkitError {
  override name = 'PermissionError';
  constructor(message: string, options?: ParkitErrorOptions) {
    super('PARKIT_PERMISSION_DENIED', message, options);
  }
}

/** None of the given identities can open the sealed secret (wrong key or passphrase). */
export class DecryptionError extends ParkitError {
  override name = 'DecryptionError';
  constructor(message = 'no identity given can open this Par', options?: ParkitErrorOptions) {
    super('PARKIT_DECRYPTION_FAILED', message, options);
  }
}

/** The sealed secret or the metadata bound to it was changed after sealing. */
export class TamperError extends ParkitError {
  override name = 'TamperError';
  constructor(message = 'the Par was altered after it was sealed', options?: ParkitErrorOptions) {
    super('PARKIT_TAMPERED', message, options);
  }
}

/** Data, a token or a wire message is malformed; `field` names what is wrong. */
export class FormatError extends ParkitError {
  override name = 'FormatError';
  /** The field (dotted path) that is wrong, if one is to blame. */
  readonly field: string | undefined;
  constructor(message: string, options: ParkitErrorOptions & { readonly field?: string } = {}) {
    super('PARKIT_INVALID_FORMAT', message, {
      ...options,
      context: { ...options.context, field: options.field },
    });
    this.field = options.field;
  }
}

/** The object, bucket, Par or job does not exist. */
export class NotFoundError extends ParkitError {
  override name = 'NotFoundError';
  constructor(message: string, options?: ParkitErrorOptions) {
    super('PARKIT_NOT_FOUND', message, options);
  }
}

/** The operation conflicts with the current state (precondition failed, already exists, busy). */
export class ConflictError extends ParkitError {
  override name = 'ConflictError';
  constructor(message: string, options?: ParkitErrorOptions) {
    super('PARKIT_CONFLICT', message, options);
  }
}

/** Facts about a failed transfer. */
export interface TransferErrorOptions extends ParkitErrorOptions {
  /** HTTP status of the last attempt, if one was received. */
  readonly status?: number;
  /** How many attempts were made. */
  readonly attempts?: number;
  /** The URL with every secret part removed (see `redactUrl`). */
  readonly url?: string;
}

/** Moving bytes failed after the retries allowed (network, truncation, checksum, 5xx). */
export class TransferError extends ParkitError {
  override name = 'TransferError';
  readonly status: number | undefined;
  readonly attempts: number | undefined;
  readonly url: string | undefined;
  constructor(message: string, options: TransferErrorOptions = {}) {
    super('PARKIT_TRANSFER_FAILED', message, {
      ...options,
      context: { ...options.context, status: options.status, attempts: options.attempts, url: options.url },
    });
    this.status = options.status;
    this.attempts = options.attempts;
    this.url = options.url;
  }
}

/** Facts about a remote service's refusal. */
export interface RemoteServiceErrorOptions extends ParkitErrorOptions {
  readonly status?: number;
  readonly method?: string;
  /** The URL with every secret part removed (see `redactUrl`). */
  readonly url?: string;
  /** What the service said, trimmed; never includes request secrets. */
  readonly serviceMessage?: string;
}

/** A remote service (Stoa, Luco, a cart server, the parkit admin API) refused a request. */
export class RemoteServiceError extends ParkitError {
  override name = 'RemoteServiceError';
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly serviceMessage: string | undefined;
  constructor(message: string, options: RemoteServiceErrorOptions = {}) {
    super('PARKIT_REMOTE_SERVICE', message, {
      ...options,
      context: {
        ...options.context,
        status: options.status,
        method: options.method,
        url: options.url,
        serviceMessage: options.serviceMessage,
      },
    });
    this.status = options.status;
    this.method = options.method;
    this.url = options.url;
    this.serviceMessage = options.serviceMessage;
  }
}

/** The operation is not available for this driver or on this runtime (e.g. files in a browser). */
export class NotSupportedError extends ParkitError {
  override name = 'NotSupportedError';
  constructor(message: string, options?: ParkitErrorOptions) {
    super('PARKIT_NOT_SUPPORTED', message, options);
  }
}

/** Options of an {@link ArgumentError}. */
export interface ArgumentErrorOptions extends ParkitErrorOptions {
  /** The argument refused (a dotted path such as `limits.count`), when one is to blame. */
  readonly argument?: string;
}

/**
 * A calculation refused the arguments a job was started with: they break the calculation's
 * declared schema, set an argument the issuer fixed, or one the Par does not let the holder set.
 * `argument` names the culprit. Fix the arguments and start again.
 */
export class ArgumentError extends ParkitError {
  override name = 'ArgumentError';
  /** The argument refused, when one is to blame. */
  readonly argument: string | undefined;
  constructor(message: string, options: ArgumentErrorOptions = {}) {
    super('PARKIT_ARGUMENT_REJECTED', message, {
      ...options,
      context: { ...options.context, argument: options.argument },
    });
    this.argument = options.argument;
  }
}

/**
 * A limit on use is spent: an executable Par's maximum number of runs. Unlike a conflict, waiting
 * does not help; ask the issuer for a new Par.
 */
export class QuotaError extends ParkitError {
  override name = 'QuotaError';
  constructor(message: string, options?: ParkitErrorOptions) {
    super('PARKIT_QUOTA_EXHAUSTED', message, options);
  }
}

/**
 * How a job ended without a result: `failed` (the calculation threw; the message is its own),
 * `out-of-memory`, `crashed` (its worker died), `interrupted` (the server stopped or restarted
 * under it), `timed-out`, or `stopped` (someone called `stop()`).
 */
export type JobFailureReason =
  | 'failed'
  | 'out-of-memory'
  | 'crashed'
  | 'interrupted'
  | 'timed-out'
  | 'stopped';

/** Options of a {@link JobError}. */
export interface JobErrorOptions extends ParkitErrorOptions {
  readonly reason: JobFailureReason;
  /** The job's id. */
  readonly jobId?: string;
}

/** A job ended without a result; `reason` says how. Its message never holds a host path or secret. */
export class JobError extends ParkitError {
  override name = 'JobError';
  /** How the job ended. */
  readonly reason: JobFailureReason;
  /** The job's id. */
  readonly jobId: string | undefined;
  constructor(message: string, options: JobErrorOptions) {
    super('PARKIT_JOB_FAILED', message, {
      ...options,
      context: { ...options.context, reason: options.reason, jobId: options.jobId },
    });
    this.reason = options.reason;
    this.jobId = options.jobId;
  }
}

const ERROR_NAMES = new Set([
  'ParkitError',
  'ExpiredError',
  'PermissionError',
  'DecryptionError',
  'TamperError',
  'FormatError',
  'NotFoundError',
  'ConflictError',
  'TransferError',
  'RemoteServiceError',
  'NotSupportedError',
  'ArgumentError',
  'QuotaError',
  'JobError',
  'StoaFetchError',
]);

/**
 * Whether `error` is a parkit error, optionally with a given code. Checks `name` and `code`
 * rather than `instanceof`, so it also works across realms and duplicated package copies.
 *
 * @param error - anything caught
 * @param code - if given, the code it must have
 * @returns true when `error` is a parkit error (with that code)
 * @example
 * ```ts
 * if (isParkitError(error, 'PARKIT_NOT_FOUND')) return undefined;
 * ```
 */
export function isParkitError(error: unknown, code?: ParkitErrorCode): error is ParkitError {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code: actual } = error as { name?: unknown; code?: unknown };
  if (typeof name !== 'string' || !ERROR_NAMES.has(name)) return false;
  if (typeof actual !== 'string' || !actual.startsWith('PARKIT_')) return false;
  return code === undefined || actual === code;
}
