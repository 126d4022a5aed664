/**
 * The flows engine of one server: flows created and deleted, runs started by hand, by the
 * scheduler ({@link FlowEngine.tick}: timers, retries, `any` / `all` input changes, lapsed
 * leases) and by writes ({@link FlowEngine.poke}), each run recorded with the exact data
 * versions it read and wrote. Every state lives in the store; a lease per flow keeps a flow
 * from running twice at once, also across replicas.
 *
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Par } from '../../par/par.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../http/api-error.js';
import { SYSTEM_BUCKET } from '../storage/store.js';
import { holdsData, snapshotKey } from './content.js';
import { DataTracker } from './data.js';
import { FlowStore } from './flow-store.js';
import { flowIdentity } from './identity.js';
import { type HeldLease, LeaseStore } from './lease.js';
import { ensureSequence, submitRun } from './luco.js';
import {
  dataId,
  type FlowInput,
  type FlowRecord,
  type FlowState,
  type RunRecord,
  type RunTrigger,
} from './model.js';
import { RunStore } from './run-store.js';
import { carryOut, inputVersions, type Launched, launch, type RunDeps, told } from './runner.js';
import { checkReferences, flowDefinitionOf } from './validate.js';

/** The server context the engine works in. */
export type FlowServerContext = Omit<ServerContext, 'flows'>;

/** Settings of the engine. */
export interface FlowSettings {
  /** How often the scheduler ticks by itself, in ms (default 5000; 0: only when `server.flows.tick()` is called). */
  readonly pollMs?: number;
  /** How long a run's lease lasts without renewal, in ms (default 60 000). */
  readonly leaseMs?: number;
}

/** What the engine is built with. */
export interface FlowEngineOptions extends FlowSettings {
  /** Whether this server alone uses the store (then every lease found at start is an earlier crash's). */
  readonly exclusive: boolean;
  /** Server secrets to scrub from run errors. */
  readonly secrets: readonly string[];
}

/** Default scheduler period, in ms. */
export const DEFAULT_POLL_MS = 5000;
/** Default lease lifetime, in ms. */
export const DEFAULT_LEASE_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();
const periodic = (flow: FlowRecord) => flow.intervalSeconds !== undefined;
const watches = (input: FlowInput, bucket: string, key: string) =>
  input.version === undefined &&
  input.bucket === bucket &&
  (input.key !== undefined ? input.key === key : key.startsWith(input.prefix ?? ''));

/** The flows engine. */
export class FlowEngine {
  readonly flows: FlowStore;
  readonly data: DataTracker;
  readonly runs: RunStore;
  readonly #leases: LeaseStore;
  readonly instanceId = randomBytes(16).toString('hex');
  readonly #context: FlowServerContext;
  readonly #deps: RunDeps;
  readonly #pollMs: number;
  readonly #exclusive: boolean;
  readonly #running = new Set<string>();
  readonly #busy = new Set<Promise<unknown>>();
  readonly #abort = new AbortController();
  #timer: ReturnType<typeof setInterval> | undefined;
  #closing = false;
  #started = false;

  /**
   * @param context - the server (its store, clock and compute service)
   * @param options - scheduler period, lease lifetime, secrets
   */
  constructor(context: FlowServerContext, options: FlowEngineOptions) {
    this.#context = context;
    this.flows = new FlowStore(context.records);
    this.data = new DataTracker(context.records, context.store, context.now);
    this.runs = new RunStore(context.records);
    this.#leases = new LeaseStore(context.records);
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.#exclusive = options.exclusive;
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 100) throw new RangeError('leaseMs must be at least 100');
    if (!Number.isSafeInteger(this.#pollMs) || this.#pollMs < 0)
      throw new RangeError('pollMs must be 0 or more');
    this.#deps = {
      store: context.store,
      buckets: context.buckets,
      data: this.data,
      runs: this.runs,
      leases: this.#leases,
      compute: context.compute,
      now: context.now,
      leaseMs,
      maxBodyBytes: context.maxBodyBytes,
      secrets: options.secrets,
      closing: () => this.#closing,
      identity: async () => (await flowIdentity(context.records)).identity,
    };
  }

  /** Recover what an earlier instance left (lapsed leases → interrupted runs) and start polling. */
  async start(): Promise<void> {
    await this.#recoverLeases(this.#exclusive);
    this.#started = true;
    if (this.#pollMs > 0) {
      this.#timer = setInterval(() => void this.#track(this.tick()).catch(() => {}), this.#pollMs);
      this.#timer.unref();
    }
  }

  /** The recipient ingestion Pars are sealed to. */
  async recipient(): Promise<string> {
    return (await flowIdentity(this.#context.records)).recipient;
  }

  /**
   * Create a flow from an admin request.
   *
   * @param body - the parsed request
   * @throws ApiError 400 `INVALID_FLOW`, 404 `CALCULATION_NOT_FOUND` / `BUCKET_NOT_FOUND`, 409 `FLOW_EXISTS`
   */
  async create(body: Record<string, unknown>): Promise<FlowRecord> {
    const definition = flowDefinitionOf(body);
    await checkReferences(definition, this.#context.compute, this.#context.buckets);
    for (const [name, input] of Object.entries(definition.inputs))
      if (input.version !== undefined && !(await this.#versionExists(input, input.version)))
        throw new ApiError(400, 'INVALID_FLOW', `inputs.${name}.version: no such version of that data`, {
          field: `inputs.${name}.version`,
        });
    if (definition.ingestion?.par !== undefined) await this.#checkSealed(definition.ingestion.par);
    if ((await this.flows.find(definition.name)) !== undefined)
      throw new ApiError(409, 'FLOW_EXISTS', `a flow named ${definition.name} exists`);
    const now = this.#context.now();
    const flow: FlowRecord = {
      v: 1,
      id: FlowStore.newId(),
      ...definition,
      created: iso(now),
      state: {
        failures: 0,
        // Timers and ingestion are first due at once.
        ...(definition.policy === 'timer' || definition.policy === 'ingestion' ? { nextDue: iso(now) } : {}),
      },
    };
    // Tracking and the sequence come first, so the flow's first run finds them; both are what a
    // create racing for the same name would make too.
    for (const input of Object.values(flow.inputs)) {
      await this.data.track(input);
      if (input.version !== undefined) await this.data.refresh(dataId(input));
    }
    if (flow.ingestion !== undefined)
      await this.data.track({ bucket: flow.ingestion.bucket, key: flow.ingestion.key });
    await ensureSequence(this.#context.records, flow.name, now);
    await this.flows.create(flow);
    return flow;
  }

  // A pinned version exists — or is version 1 of data not measured yet that holds something now
  // (recorded once the flow is stored). Nothing is written here.
  async #versionExists(input: FlowInput, version: number): Promise<boolean> {
    if ((await this.data.version(dataId(input), version)) !== undefined) return true;
    const tracked = await this.data.get(dataId(input));
    return (
      version === 1 && tracked?.value.latest === undefined && (await holdsData(this.#context.store, input))
    );
  }

  // An ingestion Par must open with the flow identity (sealed to the flow recipient).
  async #checkSealed(token: string): Promise<void> {
    try {
      await Par.fromToken(token).url((await flowIdentity(this.#context.records)).identity);
    } catch {
      throw new ApiError(400, 'INVALID_FLOW', 'ingestion.par: is not sealed to the flow recipient', {
        field: 'ingestion.par',
      });
    }
  }

  /**
   * Delete a flow (its runs stay as provenance).
   *
   * @throws ApiError 404 `FLOW_NOT_FOUND`
   */
  async delete(idOrName: string): Promise<void> {
    const stored = await this.flows.require(idOrName);
    // A run in progress keeps its lease and still records how it ended.
    await this.flows.delete(stored.value);
  }

  /**
   * Run a flow now.
   *
   * @returns its `running` record (or its final one, when it failed at once)
   * @throws ApiError 404 `FLOW_NOT_FOUND`, 409 `FLOW_RUNNING`
   */
  async runNow(idOrName: string): Promise<RunRecord> {
    const flow = (await this.flows.require(idOrName)).value;
    const run = await this.#begin(flow, 'manual');
    if (run === undefined) throw new ApiError(409, 'FLOW_RUNNING', 'a run of this flow is in progress');
    return run;
  }

  /**
   * One scheduler pass: lapsed leases become interrupted runs, then every flow due (timer,
   * retry, input change) is started.
   *
   * @returns the runs started
   */
  async tick(): Promise<RunRecord[]> {
    if (this.#closing) return [];
    await this.#recoverLeases(false);
    const started: RunRecord[] = [];
    for await (const flow of this.flows.all()) {
      const run = await this.#consider(flow).catch(() => undefined);
      if (run !== undefined) started.push(run);
    }
    return started;
  }

  /** Wait until no run and no reaction to a write is in progress here. */
  async idle(): Promise<void> {
    while (this.#busy.size > 0) await Promise.allSettled([...this.#busy]);
  }

  /**
   * An object was written or deleted through this server: change-triggered flows watching it
   * react now.
   *
   * @param bucket - the bucket
   * @param key - the key
   */
  poke(bucket: string, key: string): void {
    if (this.#closing || !this.#started) return;
    void this.#track(this.#react(bucket, key)).catch(() => {});
  }

  /** Stop scheduling (runs still in progress end `interrupted` as their jobs are stopped). */
  stopping(): void {
    this.#closing = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#abort.abort();
  }

  /** Stop scheduling and wait for runs in progress to be recorded. */
  async close(): Promise<void> {
    this.stopping();
    await this.idle();
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#busy.add(work);
    void work.finally(() => this.#busy.delete(work)).catch(() => {});
    return work;
  }

  async #react(bucket: string, key: string): Promise<void> {
    for await (const flow of this.flows.all()) {
      if (flow.policy !== 'any' && flow.policy !== 'all') continue;
      if (!Object.values(flow.inputs).some((input) => watches(input, bucket, key))) continue;
      await this.#consider(flow).catch(() => undefined);
    }
  }

  // Whether a flow is due now, and why.
  async #due(flow: FlowRecord): Promise<RunTrigger | undefined> {
    const now = this.#context.now();
    const { state } = flow;
    const dueNow = state.nextDue !== undefined && Date.parse(state.nextDue) <= now;
    if (state.retrying === true) return dueNow ? 'retry' : undefined;
    if (flow.policy === 'timer') return dueNow ? 'timer' : undefined;
    if (flow.policy === 'ingestion') return dueNow ? 'ingestion' : undefined;
    if (flow.policy !== 'any' && flow.policy !== 'all') return undefined;
    const watched = Object.entries(flow.inputs).filter(([, input]) => input.version === undefined);
    if (watched.length === 0) return undefined;
    const newer: boolean[] = [];
    for (const [name, input] of watched) {
      const latest = await this.data.refresh(dataId(input));
      // A run needs every input to hold data.
      if (latest === undefined) return undefined;
      newer.push(latest.version > (state.read?.[name] ?? 0));
    }
    const fires = flow.policy === 'any' ? newer.some(Boolean) : newer.every(Boolean);
    return fires ? 'change' : undefined;
  }

  // A flow that cannot be considered now (its data cannot be measured) is tried again next time.
  async #consider(flow: FlowRecord): Promise<RunRecord | undefined> {
    if (this.#closing || this.#running.has(flow.id)) return undefined;
    const trigger = await this.#due(flow);
    return trigger === undefined ? undefined : this.#begin(flow, trigger);
  }

  /** Take the lease, fix the inputs, store the run, and carry it out in the background. */
  async #begin(flow: FlowRecord, trigger: RunTrigger): Promise<RunRecord | undefined> {
    if (this.#closing) throw new ApiError(503, 'SHUTTING_DOWN', 'the server is shutting down');
    if (this.#running.has(flow.id)) return undefined;
    const id = await this.runs.newId();
    const now = this.#context.now();
    const taken = await this.#leases.take(
      { v: 1, flow: flow.id, run: id, owner: this.instanceId, expires: now + this.#deps.leaseMs },
      now,
    );
    if (taken.held === undefined) return undefined;
    const held = taken.held;
    this.#running.add(flow.id);
    try {
      if (taken.lapsed !== undefined) await this.#interrupt(taken.lapsed.flow, taken.lapsed.run);
      const current = (await this.flows.find(flow.id))?.value ?? flow;
      // The record is stored before any work starts, so a crash from here on leaves a run to recover.
      let run: RunRecord = {
        v: 1,
        id,
        flow: current.id,
        flowName: current.name,
        attempt: trigger === 'retry' ? current.state.failures + 1 : 1,
        trigger,
        state: 'running',
        started: iso(now),
        inputs: [],
        outputs: [],
      };
      await this.runs.create(run);
      await this.flows.updateState(current.id, (state) => ({ ...state, lastRun: run.started }));
      let launched: Launched | undefined;
      try {
        run = { ...run, inputs: await inputVersions(this.#deps, current) };
        launched = await launch(this.#deps, current, id, this.#abort.signal);
      } catch (error) {
        run = {
          ...run,
          state: 'failed',
          ended: iso(this.#context.now()),
          error: told(error, this.#deps.secrets),
        };
      }
      if (launched?.jobId !== undefined) run = { ...run, jobId: launched.jobId };
      await this.runs.save(run);
      if (launched === undefined) await this.#ended(current, run, held, true);
      else void this.#track(this.#carry(current, run, launched, held));
      return run;
    } catch (error) {
      this.#running.delete(flow.id);
      await this.#leases.release(held).catch(() => {});
      throw error;
    }
  }

  async #carry(flow: FlowRecord, run: RunRecord, launched: Launched, held: HeldLease): Promise<void> {
    const end = await carryOut(this.#deps, run, launched, held);
    await this.#ended(flow, end.run, held, end.recorded);
  }

  /** After a run: the flow's state, its Luco submission, the lease, and what its outputs feed. */
  async #ended(flow: FlowRecord, run: RunRecord, held: HeldLease, recorded: boolean): Promise<void> {
    try {
      if (!recorded) return;
      let final = run;
      try {
        const submission = await submitRun(
          this.#context.records,
          this.data,
          this.#context.now,
          run,
          await this.#verified(run),
        );
        final = { ...run, submission };
        await this.runs.save(final);
      } catch {
        // The run is recorded; a submission that could not be made is not its failure.
      }
      await this.#afterRun(flow, final);
      await this.#leases.release(held);
    } finally {
      this.#running.delete(flow.id);
    }
    for (const output of run.outputs) {
      const [bucket, ...rest] = output.data.split('/');
      if (bucket !== undefined) this.poke(bucket, rest.join('/'));
    }
    if (flow.policy === 'any' || flow.policy === 'all') {
      const current = await this.flows.find(flow.id);
      if (current !== undefined && !this.#closing) await this.#consider(current.value).catch(() => undefined);
    }
  }

  // Every object of every input version still has its content-addressed snapshot.
  async #verified(run: RunRecord): Promise<boolean> {
    for (const input of run.inputs) {
      const version = await this.data.version(input.data, input.version);
      if (version === undefined || version.checksum !== input.checksum) return false;
      for (const object of version.objects)
        if ((await this.#context.store.stat(SYSTEM_BUCKET, snapshotKey(object.sha256))) === undefined)
          return false;
    }
    return true;
  }

  async #afterRun(flow: FlowRecord, run: RunRecord): Promise<void> {
    const now = this.#context.now();
    const read = Object.fromEntries(run.inputs.map((input) => [input.name, input.version]));
    await this.flows.updateState(flow.id, (state): FlowState => {
      const { retrying: _retrying, nextDue: _nextDue, ...rest } = state;
      const base = {
        ...rest,
        lastRun: run.started,
        lastOutcome: run.state as NonNullable<FlowState['lastOutcome']>,
        read,
      };
      const next = periodic(flow)
        ? { nextDue: iso(Date.parse(run.started) + (flow.intervalSeconds ?? 0) * 1000) }
        : {};
      if (run.state === 'succeeded') return { ...base, failures: 0, ...next };
      if (run.attempt < flow.retry.maxAttempts)
        return {
          ...base,
          failures: run.attempt,
          retrying: true,
          nextDue: iso(now + flow.retry.delaySeconds * 1000),
        };
      return { ...base, failures: run.attempt, ...next };
    });
  }

  /** Leases whose holder is gone: their runs become `interrupted` (and are retried). */
  async #recoverLeases(all: boolean): Promise<void> {
    const now = this.#context.now();
    for await (const stored of this.#leases.all()) {
      const lease = stored.value;
      if (this.#running.has(lease.flow)) continue;
      if (!all && lease.expires > now) continue;
      if (!(await this.#leases.clear(stored))) continue;
      await this.#interrupt(lease.flow, lease.run);
    }
  }

  async #interrupt(flowId: string, runId: string): Promise<void> {
    const run = await this.runs.get(runId);
    if (run === undefined || run.state !== 'running') return;
    const interrupted: RunRecord = {
      ...run,
      state: 'interrupted',
      ended: iso(this.#context.now()),
      error: 'the server running it stopped before it finished',
    };
    await this.runs.save(interrupted);
    const flow = await this.flows.find(flowId);
    if (flow !== undefined) await this.#afterRun(flow.value, interrupted);
  }
}
