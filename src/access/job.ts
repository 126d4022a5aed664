/**
 * One run of a calculation, started through an executable Par: watch it, wait for it, stop it,
 * read its result and its log.
 *
 * @module
 */
import { JobError } from '../par/errors.js';
import type { Par } from '../par/par.js';
import type { CalculationTarget } from '../par/target.js';
import { guard } from './guard.js';
import type { RunnerCallOptions, RunnerEndpoint } from './job-endpoint.js';
import { FINAL_JOB_STATES, type JobLogs, type JobStatus } from './job-status.js';
import { type AccessOptions, transferSettings } from './options.js';

/** How long one status request may be held open by the service, at most, in seconds. */
const WAIT_SECONDS = 25;

/**
 * How long to ask the service to hold a status request: under the transport's timeout (which
 * counts time without a byte moving), so a quiet long poll is never taken for a stalled one.
 */
function waitSeconds(options: AccessOptions): number {
  const timeout = transferSettings(options).timeout;
  return Math.max(1, Math.min(WAIT_SECONDS, Math.floor(timeout / 1000) - 2));
}

/** Options of {@link Job.wait} and {@link Job.result}. */
export interface JobWaitOptions extends RunnerCallOptions {
  /** Called with every new status (progress, state changes), the final one included. */
  readonly onProgress?: (status: JobStatus) => void;
}

/**
 * Whether a status is final (`succeeded`, `failed`, `timed-out` or `stopped`).
 *
 * @param status - a job status
 */
export function isFinalStatus(status: JobStatus): boolean {
  return FINAL_JOB_STATES.includes(status.state);
}

/**
 * One job. Get one from `runner.start(args)`, `runner.jobs()` or `runner.job(id)`.
 *
 * @example
 * ```ts
 * const job = await runner.start({ algorithm: 'sha256' });
 * const final = await job.wait({ onProgress: (s) => console.log(s.state, s.progress?.fraction) });
 * const report = await job.result(); // throws JobError unless it succeeded
 * ```
 */
export class Job {
  /** The job's id. */
  readonly id: string;
  /** The executable Par it was started through. */
  readonly par: Par<CalculationTarget>;
  readonly #endpoint: RunnerEndpoint;
  readonly #options: AccessOptions;
  #last: JobStatus | undefined;

  /** @internal Use the runner. */
  constructor(
    par: Par<CalculationTarget>,
    endpoint: RunnerEndpoint,
    options: AccessOptions,
    id: string,
    last?: JobStatus,
  ) {
    if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id))
      throw new TypeError('id must be a job id (32 hex digits)');
    this.id = id;
    this.par = par;
    this.#endpoint = endpoint;
    this.#options = options;
    this.#last = last;
  }

  /** The last status this object saw (undefined before the first request). */
  get lastStatus(): JobStatus | undefined {
    return this.#last;
  }

  #see(status: JobStatus): JobStatus {
    if (this.#last === undefined || status.version >= this.#last.version) this.#last = status;
    return status;
  }

  /**
   * The job's status now.
   *
   * @param options - cancellation
   * @throws ExpiredError, PermissionError (revoked), NotFoundError
   */
  async status(options: RunnerCallOptions = {}): Promise<JobStatus> {
    guard(this.par, 'execute', this.#options);
    return this.#see(await this.#endpoint.status(this.id, options));
  }

  /**
   * Wait until the job is final, reporting every change. Resolves with the final status whatever
   * the outcome (use {@link Job.result} to get the result or a {@link JobError}). Aborting the
   * signal stops waiting, not the job.
   *
   * @param options - `onProgress`, cancellation
   * @returns the final status
   */
  async wait(options: JobWaitOptions = {}): Promise<JobStatus> {
    let status = this.#last ?? (await this.status(options));
    let reported = -1;
    for (;;) {
      if (status.version !== reported) {
        reported = status.version;
        options.onProgress?.(status);
      }
      if (isFinalStatus(status)) return status;
      options.signal?.throwIfAborted();
      guard(this.par, 'execute', this.#options);
      status = this.#see(
        await this.#endpoint.status(this.id, {
          ...options,
          version: status.version,
          waitSeconds: waitSeconds(this.#options),
        }),
      );
    }
  }

  /**
   * Wait for the job and return its result.
   *
   * @param options - `onProgress`, cancellation
   * @returns the calculation's result (JSON)
   * @throws JobError with `reason` (`failed`, `out-of-memory`, `crashed`, `interrupted`,
   *   `timed-out`, `stopped`) and the job's message when it did not succeed
   */
  async result<T = unknown>(options: JobWaitOptions = {}): Promise<T> {
    const final = await this.wait(options);
    if (final.state === 'succeeded') return final.result as T;
    const reason =
      final.error?.reason ??
      (final.state === 'timed-out' ? 'timed-out' : final.state === 'stopped' ? 'stopped' : 'failed');
    throw new JobError(
      `job ${this.id} of ${final.calculation} ${final.state}: ${final.error?.message ?? 'no result'}`,
      {
        reason,
        jobId: this.id,
        context: { fingerprint: this.par.fingerprint(), state: final.state },
      },
    );
  }

  /**
   * Stop the job: a queued one never starts; a running one sees its abort signal and is killed
   * if it has not ended after the service's grace period. Resolves with the status once it has
   * ended. Stopping a final job changes nothing.
   *
   * @param options - cancellation
   */
  async stop(options: RunnerCallOptions = {}): Promise<JobStatus> {
    guard(this.par, 'execute', this.#options);
    return this.#see(await this.#endpoint.stop(this.id, options));
  }

  /**
   * The job's log: the calculation's `context.log` lines and its console output, scrubbed of
   * host paths and secrets.
   *
   * @param options - cancellation
   */
  async logs(options: RunnerCallOptions = {}): Promise<JobLogs> {
    guard(this.par, 'execute', this.#options);
    return this.#endpoint.logs(this.id, options);
  }

  /** The safe summary: id, calculation and last known state. */
  toJSON(): { readonly id: string; readonly calculation: string; readonly state?: string } {
    return {
      id: this.id,
      calculation: this.par.target.name,
      ...(this.#last === undefined ? {} : { state: this.#last.state }),
    };
  }

  /** One line for logs (no secret). */
  toString(): string {
    return `Job(${this.id} of ${this.par.target.name}${this.#last === undefined ? '' : `, ${this.#last.state}`})`;
  }

  /** What Node's `util.inspect` shows (no secret). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
