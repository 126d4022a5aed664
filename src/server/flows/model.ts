/**
 * The records of the flows engine (AERO model): tracked data and its versions, flows, runs
 * (provenance) and the per-flow lease. Collections: `data`, `data-versions`, `flows`,
 * `flow-names`, `flow-leases`, `flow-runs`, `flow-snapshots`, `flow-identity`.
 *
 * The shapes the client sees as well (policies, triggers, states, outputs, retries) are the
 * core's (`src/flows/model.ts`).
 *
 * @internal
 * @module
 */
import type { FlowOutput, FlowPolicy, RetryPolicy, RunState, RunTrigger } from '../../flows/model.js';

export type { FlowOutput, FlowPolicy, RetryPolicy, RunState, RunTrigger };

/** A data source: one object (`key`) or every object under a prefix (`prefix`). */
export interface DataSpec {
  readonly bucket: string;
  readonly key?: string;
  readonly prefix?: string;
}

/** One version of tracked data. */
export interface DataVersion {
  /** The data id (`bucket/key`, or `bucket/prefix*`). */
  readonly data: string;
  /** 1, 2, 3… per data. */
  readonly version: number;
  /** Hex SHA-256 of the content (a prefix: over its sorted `key\tsha256\n` lines). */
  readonly checksum: string;
  /** Bytes (a prefix: in all). */
  readonly size: number;
  readonly contentType?: string;
  /** ISO 8601 UTC. */
  readonly created: string;
}

/** A tracked data record. */
export interface DataRecord extends DataSpec {
  readonly v: 1;
  readonly id: string;
  /** ISO 8601 UTC. */
  readonly created: string;
  readonly latest?: DataVersion;
}

/** An input of a flow: data, optionally pinned to a version. */
export interface FlowInput extends DataSpec {
  /** Pinned version (absent: the latest). */
  readonly version?: number;
}

/** What an ingestion flow fetches, and where it puts it. */
export interface IngestionSpec {
  /** An http(s) URL (kept server-side, never shown). */
  readonly url?: string;
  /** A Par token sealed to the server's flow recipient (kept server-side, never shown). */
  readonly par?: string;
  readonly bucket: string;
  readonly key: string;
}

/** What the scheduler keeps of a flow between runs. */
export interface FlowState {
  /** ISO 8601 UTC start of the last run. */
  readonly lastRun?: string;
  readonly lastOutcome?: 'succeeded' | 'failed' | 'interrupted';
  /** ISO 8601 UTC when it is due next (timer, ingestion, retry). */
  readonly nextDue?: string;
  /** Consecutive failed attempts. */
  readonly failures: number;
  /** The input versions its last successful run read, by input name. */
  readonly read?: Readonly<Record<string, number>>;
  /** Whether the next due run is a retry. */
  readonly retrying?: boolean;
}

/** A flow record. */
export interface FlowRecord {
  readonly v: 1;
  readonly id: string;
  readonly name: string;
  readonly calculation?: string;
  readonly arguments?: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, FlowInput>>;
  readonly outputs: Readonly<Record<string, FlowOutput>>;
  readonly policy: FlowPolicy;
  readonly intervalSeconds?: number;
  readonly ingestion?: IngestionSpec;
  readonly retry: RetryPolicy;
  /** ISO 8601 UTC. */
  readonly created: string;
  readonly state: FlowState;
}

/** One data version a run read or wrote. */
export interface RunData {
  /** The flow's input or output name. */
  readonly name: string;
  readonly data: string;
  readonly version: number;
  readonly checksum: string;
}

/** A run (provenance) record. */
export interface RunRecord {
  readonly v: 1;
  readonly id: string;
  readonly flow: string;
  readonly flowName: string;
  /** 1 for a fresh run, n for the n-th attempt after failures. */
  readonly attempt: number;
  readonly trigger: RunTrigger;
  readonly jobId?: string;
  readonly state: RunState;
  /** ISO 8601 UTC. */
  readonly started: string;
  readonly ended?: string;
  readonly inputs: readonly RunData[];
  readonly outputs: readonly RunData[];
  /** A scrubbed message. */
  readonly error?: string;
  /** The Luco submission of the run. */
  readonly submission?: { readonly sequence: string; readonly tag: string; readonly id: string };
}

/** The lease that keeps a flow from running twice at once. */
export interface FlowLease {
  readonly v: 1;
  readonly flow: string;
  readonly run: string;
  /** The server instance holding it. */
  readonly owner: string;
  /** Epoch ms (server clock) when it lapses unless renewed. */
  readonly expires: number;
}

/** The id of data: `bucket/key`, or `bucket/prefix*`. */
export function dataId(spec: DataSpec): string {
  return spec.key !== undefined ? `${spec.bucket}/${spec.key}` : `${spec.bucket}/${spec.prefix ?? ''}*`;
}

/** A record id for a data id (record ids hold no `/`). */
export function dataRecordId(id: string): string {
  return Buffer.from(id).toString('base64url');
}
