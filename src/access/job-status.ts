/**
 * What a holder learns about a job and about the calculation an executable Par runs, and the
 * strict parsing of both from the compute service's JSON.
 *
 * @module
 */
import { DateTime } from 'luxon';
import { FormatError, type JobFailureReason } from '../par/errors.js';
import type { Permission } from '../par/permissions.js';

/** Where a job is in its life: `queued`, `running`, then one of the four final states. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'timed-out' | 'stopped';

/** The final states. */
export const FINAL_JOB_STATES: readonly JobState[] = Object.freeze([
  'succeeded',
  'failed',
  'timed-out',
  'stopped',
]);

/** The last progress a job reported. */
export interface JobProgress {
  /** 0 to 1, when known. */
  readonly fraction?: number;
  readonly done?: number;
  readonly total?: number;
  readonly message?: string;
  readonly updated: DateTime;
}

/** One object version a job read or wrote. */
export interface JobObject {
  /** The grant it went through (the name the executable Par gives it). */
  readonly grant: string;
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly sha256?: string;
  readonly size?: number;
}

/** A snapshot of a job. */
export interface JobStatus {
  readonly id: string;
  readonly calculation: string;
  /** Which run of the Par it is (1, 2, …). */
  readonly run: number;
  readonly state: JobState;
  /** Grows with every change. */
  readonly version: number;
  readonly created: DateTime;
  readonly started?: DateTime;
  readonly finished?: DateTime;
  /** The arguments the holder set (bound ones are the issuer's and not shown). */
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly progress?: JobProgress;
  /** The calculation's result (JSON), once succeeded. */
  readonly result?: unknown;
  /** Why it has no result, once failed, timed out or stopped. */
  readonly error?: { readonly reason: JobFailureReason; readonly message: string };
  /** The input object versions it read. */
  readonly inputs: readonly JobObject[];
  /** The objects it wrote. */
  readonly outputs: readonly JobObject[];
  /** Its place in the queue, 1 being next (queued jobs only). */
  readonly queuePosition?: number;
  /** Its time limit, in ms. */
  readonly timeoutMs: number;
}

/** A bucket grant of an executable Par. */
export interface CalculationGrant {
  readonly bucket: string;
  readonly prefix?: string;
  readonly permissions: readonly Permission[];
}

/** What an executable Par runs, as its holder sees it. */
export interface CalculationDescription {
  readonly calculation: string;
  readonly description?: string;
  /** The arguments the holder may set, with their schema (a JSON Schema subset); names of the bound ones. */
  readonly arguments: {
    readonly settable: readonly string[];
    readonly bound: readonly string[];
    readonly schema: Readonly<Record<string, unknown>>;
  };
  readonly inputs: Readonly<Record<string, CalculationGrant>>;
  readonly outputs: Readonly<Record<string, CalculationGrant>>;
  /** Runs started, and the most allowed. */
  readonly runs: { readonly used: number; readonly max?: number };
  /** The time limit of one run, in ms. */
  readonly limits: { readonly timeoutMs: number };
  readonly expires: DateTime;
}

/** A job's log. */
export interface JobLogs {
  readonly lines: readonly JobLogLine[];
  /** Lines past the limit, not kept. */
  readonly dropped: number;
}

/** One line of a job's log. */
export interface JobLogLine {
  readonly time: DateTime;
  /** `log` (the calculation's `context.log`), `stdout` or `stderr` (its console output). */
  readonly stream: 'log' | 'stdout' | 'stderr';
  readonly text: string;
}

const STATES = new Set<string>(['queued', 'running', ...FINAL_JOB_STATES]);
const REASONS = new Set<string>([
  'failed',
  'out-of-memory',
  'crashed',
  'interrupted',
  'timed-out',
  'stopped',
]);

const bad = (field: string) => new FormatError(`the compute service sent a malformed ${field}`, { field });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function time(value: unknown, field: string): DateTime {
  const parsed = typeof value === 'string' ? DateTime.fromISO(value, { zone: 'utc' }) : undefined;
  if (parsed === undefined || !parsed.isValid) throw bad(field);
  return parsed;
}

function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw bad(field);
  return value;
}

function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(field);
  return value;
}

function objects(value: unknown, field: string): JobObject[] {
  if (!Array.isArray(value)) throw bad(field);
  return value.map((item) => {
    if (
      !isRecord(item) ||
      [item.grant, item.bucket, item.key, item.etag].some((part) => typeof part !== 'string')
    )
      throw bad(field);
    return Object.freeze({
      grant: item.grant as string,
      bucket: item.bucket as string,
      key: item.key as string,
      etag: item.etag as string,
      ...(typeof item.sha256 === 'string' ? { sha256: item.sha256 } : {}),
      ...(typeof item.size === 'number' ? { size: item.size } : {}),
    });
  });
}

function progressOf(value: unknown): JobProgress | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw bad('progress');
  const fraction = optionalNumber(value.fraction, 'progress.fraction');
  const done = optionalNumber(value.done, 'progress.done');
  const total = optionalNumber(value.total, 'progress.total');
  return Object.freeze({
    ...(fraction === undefined ? {} : { fraction }),
    ...(done === undefined ? {} : { done }),
    ...(total === undefined ? {} : { total }),
    ...(typeof value.message === 'string' ? { message: value.message } : {}),
    updated: time(value.updated, 'progress.updated'),
  });
}

/**
 * Parse a job as the compute service sends it.
 *
 * @param value - the parsed JSON (`job` of an answer)
 * @throws FormatError naming the malformed field
 */
export function parseJobStatus(value: unknown): JobStatus {
  if (!isRecord(value)) throw bad('job');
  if (typeof value.id !== 'string' || !/^[0-9a-f]{32}$/.test(value.id)) throw bad('job.id');
  if (typeof value.calculation !== 'string') throw bad('job.calculation');
  if (typeof value.state !== 'string' || !STATES.has(value.state)) throw bad('job.state');
  if (value.arguments !== undefined && !isRecord(value.arguments)) throw bad('job.arguments');
  let error: JobStatus['error'];
  if (value.error !== undefined) {
    if (
      !isRecord(value.error) ||
      typeof value.error.message !== 'string' ||
      !REASONS.has(String(value.error.reason))
    )
      throw bad('job.error');
    error = Object.freeze({ reason: value.error.reason as JobFailureReason, message: value.error.message });
  }
  const progress = progressOf(value.progress);
  return Object.freeze({
    id: value.id,
    calculation: value.calculation,
    run: count(value.run, 'job.run'),
    state: value.state as JobState,
    version: count(value.version, 'job.version'),
    created: time(value.created, 'job.created'),
    ...(value.started === undefined ? {} : { started: time(value.started, 'job.started') }),
    ...(value.finished === undefined ? {} : { finished: time(value.finished, 'job.finished') }),
    arguments: Object.freeze({ ...((value.arguments as Record<string, unknown> | undefined) ?? {}) }),
    ...(progress === undefined ? {} : { progress }),
    ...(value.result === undefined ? {} : { result: value.result }),
    ...(error === undefined ? {} : { error }),
    inputs: Object.freeze(objects(value.inputs, 'job.inputs')),
    outputs: Object.freeze(objects(value.outputs, 'job.outputs')),
    ...(value.queuePosition === undefined
      ? {}
      : { queuePosition: count(value.queuePosition, 'job.queuePosition') }),
    timeoutMs: count(value.timeoutMs, 'job.timeoutMs'),
  });
}

function grants(value: unknown, field: string): Record<string, CalculationGrant> {
  if (!isRecord(value)) throw bad(field);
  const found: Record<string, CalculationGrant> = {};
  for (const [name, grant] of Object.entries(value)) {
    if (!isRecord(grant) || typeof grant.bucket !== 'string' || !Array.isArray(grant.permissions))
      throw bad(field);
    found[name] = Object.freeze({
      bucket: grant.bucket,
      ...(typeof grant.prefix === 'string' ? { prefix: grant.prefix } : {}),
      permissions: Object.freeze([...(grant.permissions as Permission[])]),
    });
  }
  return found;
}

/**
 * Parse the description of an executable Par's calculation.
 *
 * @param value - the parsed JSON
 * @throws FormatError naming the malformed field
 */
export function parseCalculationDescription(value: unknown): CalculationDescription {
  if (!isRecord(value) || typeof value.calculation !== 'string') throw bad('calculation');
  const args = value.arguments;
  if (
    !isRecord(args) ||
    !Array.isArray(args.settable) ||
    !Array.isArray(args.bound) ||
    !isRecord(args.schema)
  )
    throw bad('arguments');
  const runs = value.runs;
  if (!isRecord(runs)) throw bad('runs');
  const limits = value.limits;
  if (!isRecord(limits)) throw bad('limits');
  return Object.freeze({
    calculation: value.calculation,
    ...(typeof value.description === 'string' ? { description: value.description } : {}),
    arguments: Object.freeze({
      settable: Object.freeze(args.settable.map(String)),
      bound: Object.freeze(args.bound.map(String)),
      schema: args.schema,
    }),
    inputs: grants(value.inputs, 'inputs'),
    outputs: grants(value.outputs, 'outputs'),
    runs: Object.freeze({
      used: count(runs.used, 'runs.used'),
      ...(runs.max === undefined ? {} : { max: count(runs.max, 'runs.max') }),
    }),
    limits: Object.freeze({ timeoutMs: count(limits.timeoutMs, 'limits.timeoutMs') }),
    expires: time(value.expires, 'expires'),
  });
}

/**
 * Parse a job's log.
 *
 * @param value - the parsed JSON
 * @throws FormatError when malformed
 */
export function parseJobLogs(value: unknown): JobLogs {
  if (!isRecord(value) || !Array.isArray(value.lines)) throw bad('logs');
  const lines = value.lines.map((line): JobLogLine => {
    if (
      !isRecord(line) ||
      typeof line.text !== 'string' ||
      !['log', 'stdout', 'stderr'].includes(String(line.stream))
    )
      throw bad('logs.lines');
    return Object.freeze({
      time: time(line.time, 'logs.time'),
      stream: line.stream as JobLogLine['stream'],
      text: line.text,
    });
  });
  return Object.freeze({ lines: Object.freeze(lines), dropped: count(value.dropped ?? 0, 'logs.dropped') });
}
