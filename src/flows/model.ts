/**
 * Flows as the parkit server's admin API hands them to {@link ParkitFlows}: tracked data and its
 * versions, flows, runs (provenance records) and lineage graphs, with times as luxon DateTimes
 * in UTC. The AERO model is described in docs/flows.md.
 *
 * @module
 */
import type { DateTime } from 'luxon';
import type { Par } from '../par/par.js';

/** Tracked data: one object (`key`), or every object under a prefix (`prefix`). */
export type DataRef =
  | { readonly bucket: string; readonly key: string }
  | { readonly bucket: string; readonly prefix: string };

/** When a flow runs: only by hand, by ingestion, on a timer, or when any / all inputs change. */
export type FlowPolicy = 'none' | 'ingestion' | 'timer' | 'any' | 'all';

/** An input of a flow: tracked data, optionally pinned to a version (default: the latest). */
export type FlowInput = DataRef & { readonly version?: number };

/** Where a flow's calculation writes: a bucket, optionally under a key prefix. */
export interface FlowOutput {
  readonly bucket: string;
  readonly prefix?: string;
}

/**
 * What an ingestion flow fetches (a URL, or a Par sealed to the server's
 * {@link ParkitFlows.flowRecipient}) and the object it fetches it into.
 */
export interface IngestionDefinition {
  /** An http(s) URL to fetch (a secret when signed: the server keeps it and never shows it). */
  readonly url?: string;
  /** A Par (or its token) sealed to the server's flow recipient. */
  readonly par?: Par | string;
  readonly bucket: string;
  readonly key: string;
}

/** How failed runs are retried. */
export interface RetryPolicy {
  /** Attempts in all (default 3). */
  readonly maxAttempts: number;
  /** Seconds between attempts (default 30). */
  readonly delaySeconds: number;
}

/** What {@link ParkitFlows.createFlow} registers. */
export interface FlowDefinition {
  /** 1–59 lower-case letters, digits or `-`; unique on the server. */
  readonly name: string;
  /** A calculation the server registered (every policy but `ingestion` needs one). */
  readonly calculation?: string;
  /** Arguments bound to every run. */
  readonly arguments?: Readonly<Record<string, unknown>>;
  /** Inputs by the names the calculation declares. */
  readonly inputs?: Readonly<Record<string, FlowInput>>;
  /** Outputs by the names the calculation declares. */
  readonly outputs?: Readonly<Record<string, FlowOutput>>;
  /** Default `none`: only run by hand. */
  readonly policy?: FlowPolicy;
  /** Seconds between runs: `timer` (required) and `ingestion` flows. */
  readonly intervalSeconds?: number;
  /** What an `ingestion` flow fetches (required for that policy only). */
  readonly ingestion?: IngestionDefinition;
  /** Retries of failed runs (each field defaults as {@link RetryPolicy} says). */
  readonly retry?: Partial<RetryPolicy>;
}

/** Where an ingestion flow puts what it fetches (its source stays on the server). */
export interface FlowIngestion {
  /** Whether it fetches a URL or through a Par. */
  readonly source: 'url' | 'par';
  readonly bucket: string;
  readonly key: string;
}

/** What the scheduler keeps of a flow between runs. */
export interface FlowState {
  readonly lastRun?: DateTime;
  readonly lastOutcome?: 'succeeded' | 'failed' | 'interrupted';
  readonly nextDue?: DateTime;
  /** Consecutive failed attempts. */
  readonly failures: number;
  /** The input versions its last run read, by input name (what `any` / `all` compare with). */
  readonly read?: Readonly<Record<string, number>>;
  /** Whether the run due at `nextDue` is a retry. */
  readonly retrying?: boolean;
}

/** A registered flow. */
export interface Flow {
  readonly id: string;
  readonly name: string;
  readonly calculation?: string;
  readonly arguments?: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, FlowInput>>;
  readonly outputs: Readonly<Record<string, FlowOutput>>;
  readonly policy: FlowPolicy;
  readonly intervalSeconds?: number;
  readonly ingestion?: FlowIngestion;
  readonly retry: RetryPolicy;
  readonly created: DateTime;
  readonly state: FlowState;
}

/** Why a run started. */
export type RunTrigger = 'timer' | 'change' | 'manual' | 'ingestion' | 'retry';

/** Where a run is. */
export type RunState = 'running' | 'succeeded' | 'failed' | 'interrupted';

/** One data version, as a lineage graph names it. */
export interface DataVersionRef {
  /** The data id: `bucket/key`, or `bucket/prefix*`. */
  readonly data: string;
  readonly version: number;
}

/** One data version a run read or wrote, under the flow's input or output name. */
export interface RunData extends DataVersionRef {
  readonly name: string;
  /** Hex SHA-256 of the content. */
  readonly checksum: string;
}

/** A run of a flow: its provenance record. */
export interface FlowRun {
  readonly id: string;
  /** The flow's id (the flow may since have been deleted). */
  readonly flow: string;
  readonly flowName: string;
  /** 1 for a fresh run, n for the n-th attempt. */
  readonly attempt: number;
  readonly trigger: RunTrigger;
  /** The compute job that ran the calculation. */
  readonly jobId?: string;
  readonly state: RunState;
  readonly started: DateTime;
  readonly ended?: DateTime;
  /** The exact input versions read. */
  readonly inputs: readonly RunData[];
  /** The output versions written. */
  readonly outputs: readonly RunData[];
  /** Why it failed (a scrubbed message). */
  readonly error?: string;
  /** The run's submission in the flow's slot sequence (`flow-<name>`, see docs/observability.md). */
  readonly submission?: { readonly sequence: string; readonly tag: string; readonly id: string };
}

/** One version of tracked data. */
export interface DataVersion extends DataVersionRef {
  /** Hex SHA-256 (a prefix: over its sorted `key\tsha256\n` lines). */
  readonly checksum: string;
  /** Bytes (a prefix: in all). */
  readonly size: number;
  readonly contentType?: string;
  readonly created: DateTime;
}

/** Tracked data and its latest version. */
export interface TrackedData {
  /** `bucket/key`, or `bucket/prefix*`. */
  readonly id: string;
  readonly bucket: string;
  readonly key?: string;
  readonly prefix?: string;
  /** When it was first tracked. */
  readonly created?: DateTime;
  readonly latest?: DataVersion;
}

/** Which way {@link ParkitFlows.lineage} walks: what produced a version, or what it fed. */
export type LineageDirection = 'upstream' | 'downstream';

/** One step of a lineage graph: a run read `from` and wrote `to`. */
export interface LineageEdge {
  readonly from: DataVersionRef;
  readonly to: DataVersionRef;
  /** The run's id. */
  readonly run: string;
}

/** The lineage of one data version. */
export interface Lineage {
  readonly root: DataVersionRef;
  /** Every data version reached (the root's included when it is known). */
  readonly versions: readonly DataVersion[];
  /** Every run reached. */
  readonly runs: readonly FlowRun[];
  readonly edges: readonly LineageEdge[];
}
