/**
 * The contract of a dialect's compute side: what {@link ComputeRunner} and {@link Job} are
 * written against, so another compute service is a new dialect, not a change to the classes.
 *
 * @module
 */
import type { CalculationDescription, JobLogs, JobStatus } from './job-status.js';

/** Options of one runner call. */
export interface RunnerCallOptions {
  readonly signal?: AbortSignal;
}

/** A page of a Par's jobs. */
export interface JobPage {
  readonly jobs: readonly JobStatus[];
  /** Pass as `after` for the next page. */
  readonly next?: number;
}

/** What a dialect provides for an executable Par. */
export interface RunnerEndpoint {
  /** What the Par runs. */
  describe(options: RunnerCallOptions): Promise<CalculationDescription>;
  /** Start a job. */
  start(args: Readonly<Record<string, unknown>> | undefined, options: RunnerCallOptions): Promise<JobStatus>;
  /** One page of the jobs the Par started, in run order. */
  list(options: RunnerCallOptions & { readonly after?: number; readonly limit?: number }): Promise<JobPage>;
  /**
   * A job's status; with `waitSeconds`, answered once its version passes `version` (or it is
   * final, or the wait is over).
   */
  status(
    id: string,
    options: RunnerCallOptions & { readonly version?: number; readonly waitSeconds?: number },
  ): Promise<JobStatus>;
  /** Stop a job; answers its status once it has ended (or the service's grace period is over). */
  stop(id: string, options: RunnerCallOptions): Promise<JobStatus>;
  /** A job's log. */
  logs(id: string, options: RunnerCallOptions): Promise<JobLogs>;
}
