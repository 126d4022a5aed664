/**
 * One flow run, from a held lease to its final record: the calculation runs as a compute job
 * with grants for exactly the flow's inputs and outputs (or the ingestion source is fetched),
 * then every object it wrote becomes a data version, and the run record says what it wrote.
 * The lease is renewed while the run lasts; a run whose lease was lost (another server took the
 * flow over after it lapsed) records nothing more.
 *
 * @internal
 * @module
 */

import type { JobRecord } from '../compute/job-record.js';
import { scrub } from '../compute/scrub.js';
import type { ComputeService } from '../compute/service.js';
import { ApiError } from '../http/api-error.js';
import { RunFailure } from './failure.js';
import { IngestionError, ingest } from './ingest.js';
import type { HeldLease, LeaseStore } from './lease.js';
import {
  type DataVersion,
  dataId,
  type FlowRecord,
  type IngestionSpec,
  type RunData,
  type RunRecord,
} from './model.js';
import { type StagingDeps, stagePinned, unstage } from './pinned.js';
import type { RunStore } from './run-store.js';
import { flowGrant } from './validate.js';

/** What a run needs of the engine. */
export interface RunDeps extends StagingDeps {
  readonly runs: RunStore;
  readonly leases: LeaseStore;
  readonly compute: ComputeService | undefined;
  readonly now: () => number;
  /** Lease lifetime, in ms. */
  readonly leaseMs: number;
  /** Largest ingested object, in bytes. */
  readonly maxBodyBytes: number;
  /** Secrets to scrub from run errors. */
  readonly secrets: readonly string[];
  /** Whether the server is shutting down (a run ending then is `interrupted`). */
  readonly closing: () => boolean;
  /** The flow identity (opens ingestion Pars). */
  readonly identity: () => Promise<string>;
}

/** How a run ended. */
export interface RunEnd {
  readonly run: RunRecord;
  /** False when the lease was lost: nothing was recorded. */
  readonly recorded: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The input versions a run reads: each input measured now (or its pinned version).
 *
 * @throws RunFailure when an input holds nothing or its pinned version is gone
 */
export async function inputVersions(deps: RunDeps, flow: FlowRecord): Promise<RunData[]> {
  const read: RunData[] = [];
  for (const [name, input] of Object.entries(flow.inputs)) {
    const id = dataId(input);
    await deps.data.track(input);
    const version: DataVersion | undefined =
      input.version === undefined ? await deps.data.refresh(id) : await deps.data.version(id, input.version);
    if (version === undefined)
      throw new RunFailure(
        input.version === undefined
          ? `input ${name} holds no data yet`
          : `input ${name} has no version ${input.version}`,
      );
    read.push({ name, data: id, version: version.version, checksum: version.checksum });
  }
  return read;
}

async function recordWritten(
  deps: RunDeps,
  name: string,
  bucket: string,
  key: string,
): Promise<RunData | undefined> {
  const spec = { bucket, key };
  await deps.data.track(spec);
  const version = await deps.data.refresh(dataId(spec));
  return version === undefined
    ? undefined
    : { name, data: version.data, version: version.version, checksum: version.checksum };
}

/** A run's work once started: its job (for a calculation) and what it wrote, when done. */
export interface Launched {
  readonly jobId?: string;
  readonly written: Promise<RunData[]>;
}

async function written(deps: RunDeps, done: Promise<JobRecord>): Promise<RunData[]> {
  const job = await done;
  if (job.state !== 'succeeded') throw new RunFailure(job.error?.message ?? `the job ended ${job.state}`);
  const found: RunData[] = [];
  const seen = new Set<string>();
  for (const object of job.outputs) {
    const where = `${object.bucket}\n${object.key}`;
    if (seen.has(where)) continue;
    seen.add(where);
    const recorded = await recordWritten(deps, object.grant, object.bucket, object.key);
    if (recorded !== undefined) found.push(recorded);
  }
  return found;
}

async function ingested(deps: RunDeps, spec: IngestionSpec, signal: AbortSignal): Promise<RunData[]> {
  await ingest(deps.store, spec, deps.identity, deps.maxBodyBytes, signal);
  const recorded = await recordWritten(deps, 'dataset', spec.bucket, spec.key);
  return recorded === undefined ? [] : [recorded];
}

/**
 * Start a run's work: the calculation's job is queued (its id known at once), or the ingestion
 * begins.
 *
 * @param deps - the engine
 * @param flow - the flow
 * @param runId - the run (where its pinned inputs are staged)
 * @param signal - aborted when the server shuts down
 * @throws RunFailure / ApiError when the job cannot be started
 */
export async function launch(
  deps: RunDeps,
  flow: FlowRecord,
  runId: string,
  signal: AbortSignal,
): Promise<Launched> {
  if (flow.ingestion !== undefined) return settledLater({ written: ingested(deps, flow.ingestion, signal) });
  const compute = deps.compute;
  if (compute === undefined || flow.calculation === undefined)
    throw new RunFailure('this server runs no calculations');
  const calculation = compute.calculation(flow.calculation);
  const staged = await stagePinned(deps, flow, runId);
  try {
    const started = await compute.startInternal({
      owner: `flow-${flow.id}`,
      grant: flowGrant(staged.flow, calculation),
    });
    const done = written(deps, started.done).finally(() => unstage(deps.store, staged.keys));
    return settledLater({ jobId: started.record.id, written: done });
  } catch (error) {
    await unstage(deps.store, staged.keys);
    throw error;
  }
}

// A failure before anyone awaits it is not an unhandled rejection: carryOut awaits it later.
function settledLater(launched: Launched): Launched {
  launched.written.catch(() => {});
  return launched;
}

/** The message a run failure is recorded with (nothing unexpected is told). */
export function told(error: unknown, secrets: readonly string[]): string {
  if (error instanceof RunFailure || error instanceof IngestionError || error instanceof ApiError)
    return scrub(error.message, secrets);
  return 'the run failed';
}

/**
 * See a launched run through: renew its lease while it lasts, then record how it ended.
 *
 * @param deps - the engine
 * @param started - the stored `running` record
 * @param launched - its work
 * @param held - the lease
 */
export async function carryOut(
  deps: RunDeps,
  started: RunRecord,
  launched: Launched,
  held: HeldLease,
): Promise<RunEnd> {
  let lost = false;
  const renewal = setInterval(
    () =>
      void deps.leases.renew(held, deps.now() + deps.leaseMs).then(
        (kept) => {
          if (kept || lost) return;
          lost = true;
          if (launched.jobId !== undefined) void deps.compute?.stop(launched.jobId);
        },
        () => {},
      ),
    Math.max(50, Math.floor(deps.leaseMs / 3)),
  );
  renewal.unref();
  let outputs: RunData[] = [];
  let error: string | undefined;
  try {
    outputs = await launched.written;
  } catch (caught) {
    error = told(caught, deps.secrets);
  } finally {
    clearInterval(renewal);
  }
  const interrupted = error !== undefined && deps.closing();
  const run: RunRecord = {
    ...started,
    state: error === undefined ? 'succeeded' : interrupted ? 'interrupted' : 'failed',
    ended: iso(deps.now()),
    outputs,
    ...(error === undefined ? {} : { error: interrupted ? 'the server shut down during the run' : error }),
  };
  if (lost || !(await deps.leases.renew(held, deps.now() + deps.leaseMs))) return { run, recorded: false };
  await deps.runs.save(run);
  return { run, recorded: true };
}
