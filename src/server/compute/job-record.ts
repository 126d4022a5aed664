/**
 * The persisted record of one job (collection `jobs`), and the views of it the holder and the
 * operator are shown.
 *
 * @module
 */
import type { JobState } from '../../access/job-status.js';
import type { JobFailureReason } from '../../par/errors.js';

export type { JobState };

/** Whether a state is final. */
export function isFinal(state: JobState): boolean {
  return state !== 'queued' && state !== 'running';
}

/** One object version a job read or wrote. */
export interface ObjectVersion {
  /** The grant it went through. */
  readonly grant: string;
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly sha256?: string;
  readonly size?: number;
}

/** The last progress a job reported. */
export interface StoredJobProgress {
  readonly fraction?: number;
  readonly done?: number;
  readonly total?: number;
  readonly message?: string;
  /** ISO 8601 UTC. */
  readonly updated: string;
}

/** Why a job has no result. */
export interface JobFailure {
  readonly reason: JobFailureReason;
  /** The calculation's own message (scrubbed of host paths and secrets), or the service's. */
  readonly message: string;
}

/** The stored record of a job. */
export interface JobRecord {
  readonly v: 1;
  readonly id: string;
  /** The executable Par's registry id. */
  readonly parId: string;
  readonly fingerprint: string;
  readonly calculation: string;
  /** Which run of the Par this is (1, 2, …). */
  readonly run: number;
  readonly state: JobState;
  /** Grows with every change (what `wait` compares). */
  readonly version: number;
  /** ISO 8601 UTC times. */
  readonly created: string;
  readonly started?: string;
  readonly finished?: string;
  /** Every argument the calculation gets (bound ones included): shown to the operator only. */
  readonly arguments: Readonly<Record<string, unknown>>;
  /** The arguments the holder set. */
  readonly holderArguments: Readonly<Record<string, unknown>>;
  readonly progress?: StoredJobProgress;
  readonly result?: unknown;
  readonly error?: JobFailure;
  readonly inputs: readonly ObjectVersion[];
  readonly outputs: readonly ObjectVersion[];
  /** Versions past the per-job limit, counted but not listed. */
  readonly omitted?: { readonly inputs: number; readonly outputs: number };
  /** The server instance running it. */
  readonly owner: string;
  /** Time limit and heap limit it runs with. */
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** Registry ids of the internal bucket grants minted for its worker (closed when it ends). */
  readonly grantIds: readonly string[];
}

/** What the holder of the executable Par sees of a job. */
export interface JobView {
  readonly id: string;
  readonly calculation: string;
  readonly run: number;
  readonly state: JobState;
  readonly version: number;
  readonly created: string;
  readonly started?: string;
  readonly finished?: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly progress?: StoredJobProgress;
  readonly result?: unknown;
  readonly error?: JobFailure;
  readonly inputs: readonly ObjectVersion[];
  readonly outputs: readonly ObjectVersion[];
  /** Versions past the per-job limit, counted but not listed. */
  readonly omitted?: { readonly inputs: number; readonly outputs: number };
  /** Its place in the queue, 1 being next (queued jobs only). */
  readonly queuePosition?: number;
  readonly timeoutMs: number;
}

/** What the operator sees: everything but the internal grant ids. */
export type JobAdminView = JobView & {
  readonly parId: string;
  readonly fingerprint: string;
  readonly owner: string;
  readonly holderArguments: Readonly<Record<string, unknown>>;
};

function common(record: JobRecord, queuePosition: number | undefined) {
  return {
    id: record.id,
    calculation: record.calculation,
    run: record.run,
    state: record.state,
    version: record.version,
    created: record.created,
    ...(record.started === undefined ? {} : { started: record.started }),
    ...(record.finished === undefined ? {} : { finished: record.finished }),
    ...(record.progress === undefined ? {} : { progress: record.progress }),
    ...(record.result === undefined ? {} : { result: record.result }),
    ...(record.error === undefined ? {} : { error: record.error }),
    inputs: record.inputs,
    outputs: record.outputs,
    ...(record.omitted === undefined ? {} : { omitted: record.omitted }),
    ...(queuePosition === undefined ? {} : { queuePosition }),
    timeoutMs: record.timeoutMs,
  };
}

/**
 * The holder's view: only the arguments the holder set (bound values stay the issuer's).
 *
 * @param record - the job
 * @param queuePosition - jobs ahead of it, when queued here
 */
export function holderView(record: JobRecord, queuePosition?: number): JobView {
  return { ...common(record, queuePosition), arguments: record.holderArguments };
}

/**
 * The operator's view.
 *
 * @param record - the job
 * @param queuePosition - jobs ahead of it, when queued here
 */
export function adminView(record: JobRecord, queuePosition?: number): JobAdminView {
  return {
    ...common(record, queuePosition),
    arguments: record.arguments,
    holderArguments: record.holderArguments,
    parId: record.parId,
    fingerprint: record.fingerprint,
    owner: record.owner,
  };
}
