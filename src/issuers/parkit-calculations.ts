/**
 * The compute side of the parkit admin API as `ParkitAdmin` speaks it: the request for an
 * executable Par, and parsing the calculations and jobs the server lists.
 *
 * @module
 */
import { type JobStatus, parseJobStatus } from '../access/job-status.js';
import { FormatError } from '../par/errors.js';
import type { ExpiresInput } from '../par/expiry.js';
import type { Permission } from '../par/permissions.js';

/** A bucket grant of an executable Par: a bucket, optionally a key prefix, and what the job may do. */
export interface BucketGrantRequest {
  readonly bucket: string;
  readonly prefix?: string;
  /** Inputs: `read`, `list` (default both). Outputs: `write`, `read`, `list`, `delete` (default `write`). */
  readonly permissions?: readonly Permission[];
}

/** What to mint: an executable Par for one calculation registered on the server. */
export interface ExecutableParRequest {
  /** The calculation's name (its exported function's name). */
  readonly calculation: string;
  /** Arguments fixed by the issuer: the holder cannot override them. */
  readonly arguments?: Readonly<Record<string, unknown>>;
  /** Arguments the holder may set (default: none). */
  readonly settable?: readonly string[];
  /** Input grants by name (the calculation's declared `inputs`). */
  readonly inputs?: Readonly<Record<string, BucketGrantRequest>>;
  /** Output grants by name (the calculation's declared `outputs`). */
  readonly outputs?: Readonly<Record<string, BucketGrantRequest>>;
  /** Most runs (default: no limit). */
  readonly maxRuns?: number;
  /** A lifetime such as `{ hours: 2 }` (counted on the server's clock) or an instant. */
  readonly expires: ExpiresInput;
  /** `age1…` recipients the server seals the Par to. */
  readonly recipients: readonly string[];
  /** A label. */
  readonly name?: string;
}

/** A calculation registered on the server. */
export interface ServerCalculation {
  readonly name: string;
  /** Its module, inside the functions directory. */
  readonly file: string;
  readonly description?: string;
  /** Its argument schema (a JSON Schema subset). */
  readonly schema: Readonly<Record<string, unknown>>;
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
  readonly limits: { readonly timeoutMs?: number; readonly memoryMb?: number };
}

/** A job as the operator sees it: its status plus every argument and the Par that started it. */
export type ServerJobInfo = JobStatus & {
  /** The executable Par's server id (`par.id`). */
  readonly parId: string;
  /** The executable Par's fingerprint. */
  readonly fingerprint: string;
  /** Every argument, the bound ones included. */
  readonly allArguments: Readonly<Record<string, unknown>>;
};

/**
 * The JSON body of an executable Par request (expiry resolved by the caller).
 *
 * @param request - the request
 */
export function executableBody(request: ExecutableParRequest): Record<string, unknown> {
  if (typeof request !== 'object' || request === null) throw new TypeError('request must be an object');
  if (typeof request.calculation !== 'string' || request.calculation === '')
    throw new TypeError('calculation must name a calculation');
  if (request.maxRuns !== undefined && (!Number.isSafeInteger(request.maxRuns) || request.maxRuns < 1))
    throw new RangeError('maxRuns must be a positive integer');
  return {
    calculation: request.calculation,
    recipients: request.recipients,
    ...(request.arguments === undefined ? {} : { arguments: request.arguments }),
    ...(request.settable === undefined ? {} : { settable: request.settable }),
    ...(request.inputs === undefined ? {} : { inputs: request.inputs }),
    ...(request.outputs === undefined ? {} : { outputs: request.outputs }),
    ...(request.maxRuns === undefined ? {} : { maxRuns: request.maxRuns }),
    ...(request.name === undefined ? {} : { name: request.name }),
  };
}

/**
 * Parse the server's calculation list.
 *
 * @param body - the parsed JSON
 * @throws FormatError when malformed
 */
export function parseCalculations(body: unknown): ServerCalculation[] {
  const list = (body as { calculations?: unknown } | undefined)?.calculations;
  if (!Array.isArray(list))
    throw new FormatError('the server sent a malformed calculation list', { field: 'calculations' });
  return list.map((item: Record<string, unknown>) => {
    if (typeof item?.name !== 'string' || typeof item.file !== 'string' || typeof item.schema !== 'object')
      throw new FormatError('the server sent a malformed calculation', { field: 'calculations' });
    return Object.freeze({
      name: item.name,
      file: item.file,
      ...(typeof item.description === 'string' ? { description: item.description } : {}),
      schema: item.schema as Record<string, unknown>,
      ...(Array.isArray(item.inputs) ? { inputs: item.inputs.map(String) } : {}),
      ...(Array.isArray(item.outputs) ? { outputs: item.outputs.map(String) } : {}),
      limits: (item.limits ?? {}) as ServerCalculation['limits'],
    });
  });
}

/**
 * Parse one job of the admin API.
 *
 * @param value - the parsed JSON
 * @throws FormatError when malformed
 */
export function parseServerJob(value: unknown): ServerJobInfo {
  const status = parseJobStatus({
    ...(value as object),
    arguments: (value as { holderArguments?: unknown })?.holderArguments,
  });
  const { parId, fingerprint, arguments: all } = value as Record<string, unknown>;
  if (typeof parId !== 'string' || typeof fingerprint !== 'string' || typeof all !== 'object' || all === null)
    throw new FormatError('the server sent a malformed job', { field: 'job' });
  return Object.freeze({
    ...status,
    parId,
    fingerprint,
    allArguments: Object.freeze({ ...(all as object) }),
  });
}
