/**
 * Where the compute service keeps its state, all in the records API (so replicas sharing a store
 * share it): job records (`jobs/{id}`), the index of unfinished jobs (`jobs-active/{id}`), job
 * logs (`job-logs/{id}`), run counters and run slots of executable Pars (`job-run-counts/{parId}`,
 * `job-runs/{parId}-{run}`), server instance heartbeats (`compute-instances/{id}`) and stop
 * requests for jobs another instance runs (`job-stops/{id}`).
 *
 * Run limits are enforced with conditional writes: a run is claimed by replacing the counter
 * only if it is still at the version read, so two starts (on one server or two) never both get
 * the last run.
 *
 * @internal
 * @module
 */
import { StoreError } from '../storage/errors.js';
import type { RecordStore, StoredRecord } from '../storage/records.js';
import type { JobRecord } from './job-record.js';

/** One line of a job's log. */
export interface JobLogLine {
  /** ISO 8601 UTC. */
  readonly time: string;
  /** `log` (context.log), `stdout` or `stderr` (console output). */
  readonly stream: 'log' | 'stdout' | 'stderr';
  readonly text: string;
}

/** A job's log. */
export interface JobLogs {
  readonly v: 1;
  readonly lines: readonly JobLogLine[];
  /** Lines not kept (over the limit). */
  readonly dropped: number;
}

interface RunCount {
  readonly v: 1;
  readonly used: number;
}

interface InstanceBeat {
  readonly v: 1;
  readonly id: string;
  /** Epoch ms of the last heartbeat. */
  readonly heartbeat: number;
}

const JOBS = 'jobs';
const ACTIVE = 'jobs-active';
const LOGS = 'job-logs';
const COUNTS = 'job-run-counts';
const RUNS = 'job-runs';
const INSTANCES = 'compute-instances';
const STOPS = 'job-stops';
const CLAIM_ATTEMPTS = 64;

const runId = (parId: string, run: number) => `${parId}-${String(run).padStart(9, '0')}`;

function isConflict(error: unknown): boolean {
  return (
    error instanceof StoreError && (error.code === 'PRECONDITION_FAILED' || error.code === 'KEY_CONFLICT')
  );
}

/** The compute service's records. */
export class JobStore {
  readonly #records: RecordStore;

  /** @param records - the server's record store */
  constructor(records: RecordStore) {
    this.#records = records;
  }

  /** Create a job's record and mark it unfinished. */
  async create(record: JobRecord): Promise<void> {
    await this.#records.put(ACTIVE, record.id, { v: 1, owner: record.owner });
    await this.#records.create(JOBS, record.id, record);
  }

  /** Write a job's record (its owner only). */
  async save(record: JobRecord): Promise<void> {
    await this.#records.put(JOBS, record.id, record);
  }

  /** A job's record with its version tag. */
  get(id: string): Promise<StoredRecord<JobRecord> | undefined> {
    if (!/^[0-9a-f]{32}$/.test(id)) return Promise.resolve(undefined);
    return this.#records.get<JobRecord>(JOBS, id);
  }

  /**
   * Replace a job's record only if it is still at `etag` (what recovery uses, so a live owner's
   * write is never lost to it).
   *
   * @returns false when it changed meanwhile
   */
  async replace(record: JobRecord, etag: string): Promise<boolean> {
    try {
      await this.#records.replace(JOBS, record.id, record, etag);
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  /** Mark a job finished (drop it from the unfinished index). */
  async finish(id: string): Promise<void> {
    await this.#records.delete(ACTIVE, id);
    await this.#records.delete(STOPS, id);
  }

  /** Ids of every unfinished job, with their owners. */
  async active(): Promise<{ id: string; owner: string }[]> {
    const found: { id: string; owner: string }[] = [];
    for await (const record of this.#records.entries<{ owner: string }>(ACTIVE)) {
      found.push({ id: record.id, owner: record.value.owner });
    }
    return found;
  }

  /** Keep a job's log. */
  async saveLogs(id: string, logs: JobLogs): Promise<void> {
    await this.#records.put(LOGS, id, logs);
  }

  /** A job's log (empty when none was kept). */
  async logs(id: string): Promise<JobLogs> {
    return (await this.#records.get<JobLogs>(LOGS, id))?.value ?? { v: 1, lines: [], dropped: 0 };
  }

  /**
   * Claim the next run of an executable Par.
   *
   * @param parId - the Par's registry id
   * @param maxRuns - its run limit, if any
   * @returns the run number, or undefined when every run is used
   */
  async claimRun(parId: string, maxRuns: number | undefined): Promise<number | undefined> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const current = await this.#records.get<RunCount>(COUNTS, parId);
      const used = current?.value.used ?? 0;
      if (maxRuns !== undefined && used >= maxRuns) return undefined;
      try {
        if (current === undefined) await this.#records.create<RunCount>(COUNTS, parId, { v: 1, used: 1 });
        else await this.#records.replace<RunCount>(COUNTS, parId, { v: 1, used: used + 1 }, current.etag);
        return used + 1;
      } catch (error) {
        if (!isConflict(error)) throw error;
        // Someone else claimed one meanwhile: read again (with a little jitter under contention).
        await new Promise((done) => setTimeout(done, Math.random() * 5 * Math.min(attempt, 8)));
      }
    }
    throw new StoreError('PRECONDITION_FAILED', 'too many concurrent starts on one executable Par');
  }

  /** How many runs of a Par were claimed. */
  async runsUsed(parId: string): Promise<number> {
    return (await this.#records.get<RunCount>(COUNTS, parId))?.value.used ?? 0;
  }

  /** Record which job a run of a Par became. */
  async addRun(parId: string, run: number, jobId: string): Promise<void> {
    await this.#records.put(RUNS, runId(parId, run), { v: 1, jobId });
  }

  /**
   * The job ids of a Par's runs, in run order.
   *
   * @param parId - the Par's registry id
   * @param options - `after`: only runs after this number; `limit`
   */
  async runsOf(
    parId: string,
    options: { readonly after?: number; readonly limit?: number } = {},
  ): Promise<{ run: number; jobId: string }[]> {
    const page = await this.#records.listIds(RUNS, {
      prefix: `${parId}-`,
      ...(options.after === undefined ? {} : { start: runId(parId, options.after + 1) }),
      limit: options.limit ?? 100,
    });
    const runs: { run: number; jobId: string }[] = [];
    for (const id of page.ids) {
      const slot = await this.#records.get<{ jobId: string }>(RUNS, id);
      if (slot !== undefined) runs.push({ run: Number(id.slice(parId.length + 1)), jobId: slot.value.jobId });
    }
    return runs;
  }

  /** Every job record, page by page (the operator's listing). */
  entries(): AsyncIterable<StoredRecord<JobRecord>> {
    return this.#records.entries<JobRecord>(JOBS);
  }

  /** Record that a server instance is alive. */
  async beat(id: string, now: number): Promise<void> {
    await this.#records.put<InstanceBeat>(INSTANCES, id, { v: 1, id, heartbeat: now });
  }

  /** When an instance last said it was alive (undefined: never, or it left). */
  async lastBeat(id: string): Promise<number | undefined> {
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
    return (await this.#records.get<InstanceBeat>(INSTANCES, id))?.value.heartbeat;
  }

  /** An instance leaves (clean shutdown). */
  async leave(id: string): Promise<void> {
    await this.#records.delete(INSTANCES, id);
  }

  /** Ask the instance running a job to stop it. */
  async requestStop(id: string): Promise<void> {
    await this.#records.put(STOPS, id, { v: 1 });
  }

  /** Whether someone asked for a job to be stopped. */
  stopRequested(id: string): Promise<boolean> {
    return this.#records.exists(STOPS, id);
  }
}
