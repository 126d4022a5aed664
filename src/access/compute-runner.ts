/**
 * Running a pre-authorised calculation through an executable Par.
 *
 * @module
 */
import type { Par } from '../par/par.js';
import type { CalculationTarget } from '../par/target.js';
import { guard } from './guard.js';
import { Job } from './job.js';
import type { RunnerCallOptions, RunnerEndpoint } from './job-endpoint.js';
import type { CalculationDescription } from './job-status.js';
import type { AccessOptions } from './options.js';

/** Most jobs {@link ComputeRunner.jobs} reads. */
const MAX_LISTED = 10_000;

/**
 * Starts and follows runs of the one calculation an executable Par authorises. Get one from
 * `par.execute(identity)`. The issuer fixed some arguments (they cannot be overridden) and may
 * have let the holder set others; the job reads and writes only the buckets the Par grants.
 *
 * @example
 * ```ts
 * const runner = await par.execute(identity);
 * const job = await runner.start({ algorithm: 'sha256' });
 * const result = await job.result({ onProgress: (status) => console.log(status.progress?.fraction) });
 * for (const earlier of await runner.jobs()) console.log(String(earlier));
 * ```
 */
export class ComputeRunner {
  /** The Par this runner uses. */
  readonly par: Par<CalculationTarget>;
  readonly #endpoint: RunnerEndpoint;
  readonly #options: AccessOptions;

  /** @internal Use `par.execute(identity)`. */
  constructor(par: Par<CalculationTarget>, endpoint: RunnerEndpoint, options: AccessOptions = {}) {
    this.par = par;
    this.#endpoint = endpoint;
    this.#options = options;
  }

  /**
   * What the Par runs: the calculation, the arguments the holder may set (with their schema),
   * the names of the bound ones, the bucket grants, runs used and allowed, the time limit.
   *
   * @param options - cancellation
   * @throws ExpiredError, PermissionError (revoked or not executable), NotFoundError (no such
   *   calculation on the server)
   */
  async describe(options: RunnerCallOptions = {}): Promise<CalculationDescription> {
    guard(this.par, 'execute', this.#options);
    return this.#endpoint.describe(options);
  }

  /**
   * Start a job. It is queued when the service is busy; its status says so.
   *
   * @param args - the arguments the holder sets (the Par's bound ones are added by the service)
   * @param options - cancellation
   * @returns the job
   * @throws ArgumentError (breaks the schema, sets a bound or a not-settable argument),
   *   QuotaError (the Par's runs are used), NotFoundError (no such calculation), ExpiredError,
   *   PermissionError, TransferError (the queue is full: 503)
   */
  async start(args?: Readonly<Record<string, unknown>>, options: RunnerCallOptions = {}): Promise<Job> {
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args)))
      throw new TypeError('args must be an object of argument values by name');
    guard(this.par, 'execute', this.#options);
    const status = await this.#endpoint.start(args, options);
    return new Job(this.par, this.#endpoint, this.#options, status.id, status);
  }

  /**
   * Every job this Par started, in run order (each with its current status).
   *
   * @param options - cancellation
   */
  async jobs(options: RunnerCallOptions = {}): Promise<Job[]> {
    guard(this.par, 'execute', this.#options);
    const jobs: Job[] = [];
    let after: number | undefined;
    do {
      const page = await this.#endpoint.list({
        ...options,
        ...(after === undefined ? {} : { after }),
        limit: 100,
      });
      for (const status of page.jobs)
        jobs.push(new Job(this.par, this.#endpoint, this.#options, status.id, status));
      after = page.next;
    } while (after !== undefined && jobs.length < MAX_LISTED);
    return jobs;
  }

  /**
   * A job of this Par by id (no request is made until it is used).
   *
   * @param id - the job id
   * @throws TypeError for a malformed id
   */
  job(id: string): Job {
    return new Job(this.par, this.#endpoint, this.#options, id);
  }

  /** The safe summary: the calculation and the Par's fingerprint. */
  toJSON(): { readonly calculation: string; readonly fingerprint: string } {
    return { calculation: this.par.target.name, fingerprint: this.par.fingerprint() };
  }

  /** One line for logs (no secret). */
  toString(): string {
    return `ComputeRunner(${this.par.target.name}, fingerprint ${this.par.fingerprint()})`;
  }

  /** What Node's `util.inspect` shows (no secret). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
