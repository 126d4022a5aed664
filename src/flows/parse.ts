/**
 * Reading the flows API's JSON into typed, frozen records: every field checked, times as luxon
 * DateTimes in UTC, anything malformed a {@link FormatError} naming the field.
 *
 * @internal
 * @module
 */
import { DateTime } from 'luxon';
import { FormatError } from '../par/errors.js';
import type {
  DataVersion,
  DataVersionRef,
  Flow,
  FlowInput,
  FlowOutput,
  FlowPolicy,
  FlowRun,
  FlowState,
  Lineage,
  LineageEdge,
  RunData,
  RunState,
  RunTrigger,
  TrackedData,
} from './model.js';

type Json = Record<string, unknown>;

const POLICIES: readonly FlowPolicy[] = ['none', 'ingestion', 'timer', 'any', 'all'];
const TRIGGERS: readonly RunTrigger[] = ['timer', 'change', 'manual', 'ingestion', 'retry'];
const RUN_STATES: readonly RunState[] = ['running', 'succeeded', 'failed', 'interrupted'];
const OUTCOMES = ['succeeded', 'failed', 'interrupted'] as const;

function bad(field: string): FormatError {
  return new FormatError(`the parkit server sent a malformed ${field}`, { field });
}

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(field);
  return value as Json;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(field);
  return value;
}

function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw bad(field);
  return value;
}

function seconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw bad(field);
  return value;
}

function time(value: unknown, field: string): DateTime {
  const parsed = typeof value === 'string' ? DateTime.fromISO(value, { zone: 'utc' }) : undefined;
  if (parsed === undefined || !parsed.isValid) throw bad(field);
  return parsed;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (!allowed.includes(value as T)) throw bad(field);
  return value as T;
}

function list<T>(value: unknown, field: string, item: (entry: unknown) => T): readonly T[] {
  if (!Array.isArray(value)) throw bad(field);
  return Object.freeze(value.map(item));
}

/** The present optional fields, read by `read` (absent and null are left out). */
function optional<T>(
  entry: Json,
  key: string,
  read: (value: unknown, field: string) => T,
): { [k: string]: T } {
  const value = entry[key];
  return value === undefined || value === null ? {} : { [key]: read(value, key) };
}

function named<T>(value: unknown, field: string, item: (entry: unknown, field: string) => T) {
  const entries = Object.entries(object(value, field)).map(([name, entry]) => [
    name,
    item(entry, `${field}.${name}`),
  ]);
  return Object.freeze(Object.fromEntries(entries) as Record<string, T>);
}

function flowInput(value: unknown, field: string): FlowInput {
  const entry = object(value, field);
  const bucket = text(entry.bucket, `${field}.bucket`);
  const version = optional(entry, 'version', count);
  if (typeof entry.key === 'string') return Object.freeze({ bucket, key: entry.key, ...version });
  return Object.freeze({ bucket, prefix: typeof entry.prefix === 'string' ? entry.prefix : '', ...version });
}

function flowOutput(value: unknown, field: string): FlowOutput {
  const entry = object(value, field);
  return Object.freeze({ bucket: text(entry.bucket, `${field}.bucket`), ...optional(entry, 'prefix', text) });
}

function flowState(value: unknown): FlowState {
  const entry = object(value, 'flow.state');
  return Object.freeze({
    ...optional(entry, 'lastRun', time),
    ...optional(entry, 'lastOutcome', (outcome, field) => oneOf(outcome, OUTCOMES, field)),
    ...optional(entry, 'nextDue', time),
    failures: count(entry.failures ?? 0, 'flow.state.failures'),
    ...optional(entry, 'read', (read, field) => named(read, field, count)),
    ...optional(entry, 'retrying', (retrying, field) => {
      if (typeof retrying !== 'boolean') throw bad(field);
      return retrying;
    }),
  });
}

/**
 * A flow.
 *
 * @param value - the parsed JSON
 * @throws FormatError when malformed
 */
export function parseFlow(value: unknown): Flow {
  const entry = object(value, 'flow');
  const id = text(entry.id, 'flow.id');
  const name = text(entry.name, 'flow.name');
  const retry = object(entry.retry, 'flow.retry');
  const ingestion = entry.ingestion === undefined ? undefined : object(entry.ingestion, 'flow.ingestion');
  return Object.freeze({
    id,
    name,
    ...optional(entry, 'calculation', text),
    ...optional(entry, 'arguments', (args, field) => Object.freeze({ ...object(args, field) })),
    inputs: named(entry.inputs ?? {}, 'flow.inputs', flowInput),
    outputs: named(entry.outputs ?? {}, 'flow.outputs', flowOutput),
    policy: oneOf(entry.policy, POLICIES, 'flow.policy'),
    ...optional(entry, 'intervalSeconds', seconds),
    ...(ingestion === undefined
      ? {}
      : {
          ingestion: Object.freeze({
            source: oneOf(ingestion.source, ['url', 'par'] as const, 'flow.ingestion.source'),
            bucket: text(ingestion.bucket, 'flow.ingestion.bucket'),
            key: text(ingestion.key, 'flow.ingestion.key'),
          }),
        }),
    retry: Object.freeze({
      maxAttempts: count(retry.maxAttempts, 'flow.retry.maxAttempts'),
      delaySeconds: seconds(retry.delaySeconds, 'flow.retry.delaySeconds'),
    }),
    created: time(entry.created, 'flow.created'),
    state: flowState(entry.state ?? {}),
  }) as Flow;
}

function versionRef(value: unknown, field: string): DataVersionRef {
  const entry = object(value, field);
  return Object.freeze({
    data: text(entry.data, `${field}.data`),
    version: count(entry.version, `${field}.version`),
  });
}

function runData(value: unknown, field: string): RunData {
  const entry = object(value, field);
  return Object.freeze({
    name: text(entry.name, `${field}.name`),
    ...versionRef(entry, field),
    checksum: text(entry.checksum, `${field}.checksum`),
  });
}

function submission(value: unknown, field: string): FlowRun['submission'] {
  const entry = object(value, field);
  return Object.freeze({
    sequence: text(entry.sequence, `${field}.sequence`),
    tag: text(entry.tag, `${field}.tag`),
    id: text(entry.id, `${field}.id`),
  });
}

/**
 * A run (provenance) record.
 *
 * @param value - the parsed JSON
 * @throws FormatError when malformed
 */
export function parseRun(value: unknown): FlowRun {
  const entry = object(value, 'run');
  return Object.freeze({
    id: text(entry.id, 'run.id'),
    flow: text(entry.flow, 'run.flow'),
    flowName: text(entry.flowName, 'run.flowName'),
    attempt: count(entry.attempt, 'run.attempt'),
    trigger: oneOf(entry.trigger, TRIGGERS, 'run.trigger'),
    ...optional(entry, 'jobId', text),
    state: oneOf(entry.state, RUN_STATES, 'run.state'),
    started: time(entry.started, 'run.started'),
    ...optional(entry, 'ended', time),
    inputs: list(entry.inputs, 'run.inputs', (item) => runData(item, 'run.inputs')),
    outputs: list(entry.outputs, 'run.outputs', (item) => runData(item, 'run.outputs')),
    ...optional(entry, 'error', text),
    ...optional(entry, 'submission', submission),
  }) as FlowRun;
}

/**
 * A data version.
 *
 * @param value - the parsed JSON
 * @throws FormatError when malformed
 */
export function parseVersion(value: unknown): DataVersion {
  const entry = object(value, 'version');
  return Object.freeze({
    ...versionRef(entry, 'version'),
    checksum: text(entry.checksum, 'version.checksum'),
    size: count(entry.size, 'version.size'),
    ...optional(entry, 'contentType', text),
    created: time(entry.created, 'version.created'),
  }) as DataVersion;
}

/**
 * Tracked data.
 *
 * @param value - the parsed JSON
 * @throws FormatError when malformed
 */
export function parseData(value: unknown): TrackedData {
  const entry = object(value, 'data');
  return Object.freeze({
    id: text(entry.id, 'data.id'),
    bucket: text(entry.bucket, 'data.bucket'),
    ...optional(entry, 'key', text),
    ...optional(entry, 'prefix', text),
    ...optional(entry, 'created', time),
    ...optional(entry, 'latest', parseVersion),
  }) as TrackedData;
}

function edge(value: unknown): LineageEdge {
  const entry = object(value, 'lineage.edges');
  return Object.freeze({
    from: versionRef(entry.from, 'lineage.edges.from'),
    to: versionRef(entry.to, 'lineage.edges.to'),
    run: text(entry.run, 'lineage.edges.run'),
  });
}

/**
 * A lineage graph.
 *
 * @param value - the parsed JSON
 * @throws FormatError when malformed
 */
export function parseLineage(value: unknown): Lineage {
  const entry = object(value, 'lineage');
  return Object.freeze({
    root: versionRef(entry.root, 'lineage.root'),
    versions: list(entry.versions, 'lineage.versions', parseVersion),
    runs: list(entry.runs, 'lineage.runs', parseRun),
    edges: list(entry.edges, 'lineage.edges', edge),
  });
}

/**
 * A page of a listing: `{ items, next? }`.
 *
 * @param body - the parsed JSON
 * @param item - how to read one item
 * @throws FormatError when malformed
 */
export function parsePage<T>(
  body: unknown,
  item: (entry: unknown) => T,
): { items: readonly T[]; next?: string } {
  const entry = object(body, 'page');
  const items = list(entry.items, 'items', item);
  return Object.freeze({ items, ...optional(entry, 'next', text) });
}
