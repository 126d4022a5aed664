/**
 * The compute service: starts jobs for executable Pars (arguments resolved, a run claimed
 * atomically, the job queued under the concurrency limit), runs each in its own worker with
 * internal grants for its buckets, keeps every job's record in the store, answers status, waits,
 * stops and logs, and on start marks jobs an earlier (or dead) instance left unfinished as
 * failed.
 *
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { ParEntry } from '../pars/registry.js';
import { resolveArguments } from './arguments.js';
import type { FunctionsDirectory, RegisteredCalculation } from './discover.js';
import type { ExecutionGrant } from './execution-grant.js';
import { type ExecutionOutcome, JobExecution } from './job-execution.js';
import { JobQueue } from './job-queue.js';
import { isFinal, type JobRecord } from './job-record.js';
import { type JobLogs, JobStore } from './job-store.js';
import { LocalJob } from './local-job.js';
import { recoverJobs } from './recovery.js';
import { scrub } from './scrub.js';
import { type ComputeSettings, resolveSettings } from './settings.js';
import { closeWorkerGrants, MissingBucketError, mintWorkerGrants } from './worker-grants.js';
import type { AbortReason, SeenObject } from './worker-protocol.js';
import { WorkerSupply, workerEnv } from './worker-supply.js';

/** What the service is built with. */
export interface ComputeServiceOptions extends ComputeSettings {
  readonly functions: FunctionsDirectory;
  /** Where workers reach this server (its listening URL). */
  readonly internalUrl: () => string;
  /** Whether this instance alone uses the store (then every unfinished job at start was interrupted). */
  readonly exclusive: boolean;
  /** Server secrets to scrub from whatever a job says. */
  readonly secrets: readonly string[];
}

/** The server context without the compute service (what the service itself needs). */
export type ComputeServerContext = Omit<ServerContext, 'compute'>;

/** A job the server starts for itself (a flow run): no Par, grants given directly. */
export interface InternalJobRequest {
  /** Who asked, shown as the job's Par id (e.g. `flow-<flow id>`). */
  readonly owner: string;
  /** The calculation and its bound arguments, with the grants the job gets. */
  readonly grant: ExecutionGrant;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The compute service of one server instance. */
export class ComputeService {
  /** This instance's id (owner of the jobs it runs). */
  readonly instanceId = randomBytes(16).toString('hex');
  readonly store: JobStore;
  readonly #context: ComputeServerContext;
  readonly #options: ComputeServiceOptions;
  readonly #queue: JobQueue;
  readonly #local = new Map<string, LocalJob>();
  readonly #waiters = new Map<string, (record: JobRecord) => void>();
  readonly #timeoutMs: number;
  readonly #memoryMb: number;
  readonly #graceMs: number;
  readonly #heartbeatMs: number;
  readonly #flushMs: number;
  readonly #workers: WorkerSupply;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closing = false;

  /**
   * Create the service and recover what earlier instances left unfinished.
   *
   * @param context - the server
   * @param options - functions, limits, how workers reach the server
   */
  static async create(
    context: ComputeServerContext,
    options: ComputeServiceOptions,
  ): Promise<ComputeService> {
    const service = new ComputeService(context, options);
    await service.#recover();
    service.#startTimers();
    return service;
  }

  private constructor(context: ComputeServerContext, options: ComputeServiceOptions) {
    this.#context = context;
    this.#options = options;
    this.store = new JobStore(context.records);
    const settings = resolveSettings(options);
    this.#queue = new JobQueue(settings.maxConcurrentJobs, settings.maxQueuedJobs);
    this.#timeoutMs = settings.jobTimeoutMs;
    this.#memoryMb = settings.jobMemoryMb;
    this.#graceMs = settings.stopGraceMs;
    this.#heartbeatMs = settings.heartbeatMs;
    this.#flushMs = settings.flushMs;
    this.#workers = new WorkerSupply(options.functions.typeScript, workerEnv, settings.spareWorkers);
    if (options.functions.calculations.size > 0) this.#workers.prepare(this.#memoryMb);
  }

  /** The registered calculations. */
  get calculations(): ReadonlyMap<string, RegisteredCalculation> {
    return this.#options.functions.calculations;
  }

  /** The longest time limit of a job, in ms. */
  get jobTimeoutMs(): number {
    return this.#timeoutMs;
  }

  /** How long a stop may take before the worker is killed, in ms. */
  get graceMs(): number {
    return this.#graceMs;
  }

  /**
   * A calculation by name.
   *
   * @throws ApiError 404 `CALCULATION_NOT_FOUND`
   */
  calculation(name: string): RegisteredCalculation {
    const found = this.#options.functions.calculations.get(name);
    if (found === undefined)
      throw new ApiError(
        404,
        'CALCULATION_NOT_FOUND',
        `no calculation named ${JSON.stringify(name.slice(0, 64))} is registered on this server`,
      );
    return found;
  }

  /**
   * Start a job for an executable Par.
   *
   * @param entry - the Par's registry entry
   * @param grant - its execution grant
   * @param given - the holder's arguments (untrusted)
   * @returns the new job's record and queue position
   * @throws ApiError 404 `CALCULATION_NOT_FOUND`, 400 argument refusals, 429 `RUNS_EXHAUSTED`,
   *   503 `QUEUE_FULL` / `SHUTTING_DOWN`
   */
  async start(
    entry: ParEntry,
    grant: ExecutionGrant,
    given: unknown,
  ): Promise<{ record: JobRecord; position?: number }> {
    const calculation = this.calculation(grant.calculation);
    const args = resolveArguments(grant, calculation, given);
    if (this.#closing) throw new ApiError(503, 'SHUTTING_DOWN', 'the server is shutting down');
    if (this.#queue.full) throw new ApiError(503, 'QUEUE_FULL', 'too many jobs are waiting; try again later');
    const run = await this.store.claimRun(entry.id, grant.maxRuns);
    if (run === undefined)
      throw new ApiError(
        429,
        'RUNS_EXHAUSTED',
        `this Par's ${grant.maxRuns} run${grant.maxRuns === 1 ? ' is' : 's are'} used`,
      );
    const id = randomBytes(16).toString('hex');
    const record: JobRecord = {
      v: 1,
      id,
      parId: entry.id,
      fingerprint: entry.fingerprint,
      calculation: calculation.name,
      run,
      state: 'queued',
      version: 1,
      created: iso(this.#context.now()),
      arguments: args.all,
      holderArguments: args.holder,
      inputs: [],
      outputs: [],
      owner: this.instanceId,
      timeoutMs: Math.min(calculation.limits.timeoutMs ?? this.#timeoutMs, this.#timeoutMs),
      memoryMb: Math.min(calculation.limits.memoryMb ?? this.#memoryMb, this.#memoryMb),
      grantIds: [],
    };
    const job = new LocalJob(record, grant, this.store, this.#flushMs);
    this.#local.set(id, job);
    try {
      await this.store.create(record);
      await this.store.addRun(entry.id, run, id);
    } catch (error) {
      this.#local.delete(id);
      throw error;
    }
    this.#queue.add(id, () => this.#run(job, calculation));
    const position = this.#queue.position(id);
    return position === undefined ? { record: job.record } : { record: job.record, position };
  }

  /**
   * Start a job the server runs for itself (a flow run): no Par, no run limit; the grants and
   * arguments come from the caller, checked against the calculation as a Par's would be.
   *
   * @param request - who asks, the calculation, its arguments and grants
   * @returns the new job's record, and its final record once it ends
   * @throws ApiError 404 `CALCULATION_NOT_FOUND`, 400 argument refusals, 503 `QUEUE_FULL` / `SHUTTING_DOWN`
   */
  async startInternal(request: InternalJobRequest): Promise<{ record: JobRecord; done: Promise<JobRecord> }> {
    const { grant } = request;
    const calculation = this.calculation(grant.calculation);
    const args = resolveArguments(grant, calculation, {});
    if (this.#closing) throw new ApiError(503, 'SHUTTING_DOWN', 'the server is shutting down');
    if (this.#queue.full) throw new ApiError(503, 'QUEUE_FULL', 'too many jobs are waiting; try again later');
    const id = randomBytes(16).toString('hex');
    const record: JobRecord = {
      v: 1,
      id,
      parId: request.owner,
      fingerprint: '',
      calculation: calculation.name,
      run: 1,
      state: 'queued',
      version: 1,
      created: iso(this.#context.now()),
      arguments: args.all,
      holderArguments: {},
      inputs: [],
      outputs: [],
      owner: this.instanceId,
      timeoutMs: Math.min(calculation.limits.timeoutMs ?? this.#timeoutMs, this.#timeoutMs),
      memoryMb: Math.min(calculation.limits.memoryMb ?? this.#memoryMb, this.#memoryMb),
      grantIds: [],
    };
    const job = new LocalJob(record, grant, this.store, this.#flushMs);
    const done = new Promise<JobRecord>((resolve) => this.#waiters.set(id, resolve));
    this.#local.set(id, job);
    try {
      await this.store.create(record);
    } catch (error) {
      this.#local.delete(id);
      this.#waiters.delete(id);
      throw error;
    }
    this.#queue.add(id, () => this.#run(job, calculation));
    return { record: job.record, done };
  }

  async #run(job: LocalJob, calculation: RegisteredCalculation): Promise<void> {
    if (job.record.state !== 'queued') return;
    const { record } = job;
    const now = this.#context.now();
    let grants: Awaited<ReturnType<typeof mintWorkerGrants>>;
    try {
      grants = await mintWorkerGrants(
        this.#context,
        this.#options.internalUrl(),
        record.id,
        job.grant,
        now + record.timeoutMs + this.#graceMs + 60_000,
      );
    } catch (error) {
      const message =
        error instanceof MissingBucketError
          ? error.message
          : "the job's storage access could not be prepared";
      await this.#finish(job, { state: 'failed', reason: 'failed', message });
      return;
    }
    job.secrets.push(...grants.secrets);
    if (job.abortWanted !== undefined) {
      await closeWorkerGrants(this.#context, grants.ids);
      await this.#finish(job, abortedBeforeStart(job.abortWanted));
      return;
    }
    const started = iso(this.#context.now());
    // Outputs noted before the job's final record is written, so it lists every one.
    const notes: Promise<void>[] = [];
    const execution = new JobExecution(
      {
        workerData: {
          jobId: record.id,
          moduleUrl: calculation.url,
          exportName: calculation.name,
          arguments: record.arguments as Record<string, unknown>,
          identity: grants.identity,
          inputs: grants.inputs,
          outputs: grants.outputs,
        },
        workers: this.#workers,
        timeoutMs: record.timeoutMs,
        memoryMb: record.memoryMb,
        graceMs: this.#graceMs,
      },
      {
        progress: (progress) => {
          const message =
            progress.message === undefined ? {} : { message: this.#scrub(job, progress.message) };
          void job.update(
            { progress: { ...progress, ...message, updated: iso(this.#context.now()) } },
            'soon',
          );
        },
        log: (stream, text) =>
          job.log({ time: iso(this.#context.now()), stream, text: this.#scrub(job, text) }),
        read: (object) => job.note('inputs', object),
        wrote: (object) => {
          notes.push(this.#noteOutput(job, object));
        },
      },
    );
    job.execution = execution;
    // A stop that came while the grants were being minted.
    if (job.abortWanted !== undefined) execution.abort(job.abortWanted);
    await job.update({ state: 'running', started, grantIds: grants.ids }, 'now');
    const outcome = await execution.done;
    await Promise.all(notes);
    await closeWorkerGrants(this.#context, grants.ids);
    await this.#finish(job, outcome);
  }

  // The store's own facts of the version written (size, checksum), when it is still that version.
  async #noteOutput(job: LocalJob, object: SeenObject): Promise<void> {
    const info = await this.#context.store.stat(object.bucket, object.key).catch(() => undefined);
    const exact = info !== undefined && info.etag === object.etag;
    job.note('outputs', {
      ...object,
      ...(exact ? { size: info.size, ...(info.sha256 === undefined ? {} : { sha256: info.sha256 }) } : {}),
    });
  }

  #scrub(job: LocalJob | undefined, text: string): string {
    return scrub(text, [...this.#options.secrets, ...(job?.secrets ?? [])]);
  }

  async #finish(job: LocalJob, outcome: ExecutionOutcome): Promise<void> {
    const finished = iso(this.#context.now());
    const change =
      outcome.state === 'succeeded'
        ? { state: outcome.state, finished, result: outcome.result }
        : {
            state: outcome.state,
            finished,
            error: { reason: outcome.reason, message: this.#scrub(job, outcome.message) },
          };
    try {
      await job.update(change, 'now');
      await this.store.finish(job.record.id);
    } finally {
      this.#local.delete(job.record.id);
      this.#waiters.get(job.record.id)?.(job.record);
      this.#waiters.delete(job.record.id);
    }
  }

  /**
   * A job's latest record: from memory when it runs here, else from the store.
   *
   * @param id - the job id
   * @returns the record and, when queued here, its position
   */
  async get(id: string): Promise<{ record: JobRecord; position?: number } | undefined> {
    const local = this.#local.get(id);
    if (local !== undefined) {
      const position = this.#queue.position(id);
      return position === undefined ? { record: local.record } : { record: local.record, position };
    }
    const stored = await this.store.get(id);
    return stored === undefined ? undefined : { record: stored.value };
  }

  /**
   * Wait until a job's version passes `version` (or it is final), at most `ms`.
   *
   * @param id - the job id
   * @param version - the version the caller has
   * @param ms - longest wait
   * @param signal - ends the wait (the client went away)
   */
  async wait(id: string, version: number, ms: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const local = this.#local.get(id);
      const left = deadline - Date.now();
      if (local !== undefined) return local.changed(version, left, signal);
      const stored = await this.store.get(id);
      if (stored === undefined || stored.value.version > version || isFinal(stored.value.state)) return;
      if (left <= 0 || signal?.aborted || this.#closing) return;
      await new Promise((done) => setTimeout(done, Math.min(250, left)));
    }
  }

  /**
   * Stop a job: a queued one is taken out of the queue, a running one is asked to end (and
   * killed after the grace period). Resolves once it is final, or after the grace period and a
   * little more when another instance runs it.
   *
   * @param id - the job id
   */
  async stop(id: string): Promise<void> {
    const local = this.#local.get(id);
    if (local !== undefined) {
      this.#abort(local, 'stopped');
      const deadline = Date.now() + this.#graceMs + 5000;
      while (!isFinal(local.record.state) && Date.now() < deadline)
        await local.changed(local.record.version, deadline - Date.now());
      return;
    }
    const stored = await this.store.get(id);
    if (stored === undefined || isFinal(stored.value.state)) return;
    await this.store.requestStop(id);
    const deadline = Date.now() + this.#heartbeatMs + this.#graceMs + 5000;
    while (Date.now() < deadline) {
      const now = await this.store.get(id);
      if (now === undefined || isFinal(now.value.state)) return;
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  #abort(job: LocalJob, reason: AbortReason): void {
    if (isFinal(job.record.state)) return;
    if (this.#queue.remove(job.record.id)) {
      void this.#finish(job, abortedBeforeStart(reason));
      return;
    }
    if (job.execution !== undefined) job.execution.abort(reason);
    else job.abortWanted ??= reason;
  }

  /**
   * A job's log.
   *
   * @param id - the job id
   */
  async logs(id: string): Promise<Omit<JobLogs, 'v'>> {
    const local = this.#local.get(id);
    if (local !== undefined) return local.logs();
    const { lines, dropped } = await this.store.logs(id);
    return { lines, dropped };
  }

  #recover(): Promise<void> {
    return recoverJobs({
      store: this.store,
      context: this.#context,
      instanceId: this.instanceId,
      exclusive: this.#options.exclusive,
      heartbeatMs: this.#heartbeatMs,
      isLocal: (id) => this.#local.has(id),
    });
  }

  #startTimers(): void {
    if (this.#options.exclusive) return;
    const tick = async () => {
      await this.store.beat(this.instanceId, this.#context.now());
      for (const [id, job] of this.#local) {
        if (await this.store.stopRequested(id)) this.#abort(job, 'stopped');
      }
      await this.#recover();
    };
    void tick().catch(() => {});
    this.#timer = setInterval(() => void tick().catch(() => {}), this.#heartbeatMs);
    this.#timer.unref();
  }

  /**
   * Shut down: refuse new jobs, end every local one (marked failed, `interrupted`) and wait for
   * their workers to be gone.
   */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const jobs = [...this.#local.values()];
    for (const job of jobs) this.#abort(job, 'interrupted');
    const deadline = Date.now() + this.#graceMs + 5000;
    while (this.#local.size > 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    await this.#workers.close();
    if (!this.#options.exclusive) await this.store.leave(this.instanceId).catch(() => false);
  }
}

function abortedBeforeStart(reason: AbortReason): ExecutionOutcome {
  if (reason === 'interrupted')
    return { state: 'failed', reason: 'interrupted', message: 'the server shut down before the job started' };
  if (reason === 'timed-out')
    return { state: 'timed-out', reason: 'timed-out', message: 'the job ran out of time' };
  return { state: 'stopped', reason: 'stopped', message: 'the job was stopped before it started' };
}
