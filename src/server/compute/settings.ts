/**
 * The compute service's limits and timings, and their defaults.
 *
 * @module
 */

/** Limits and timings of the compute service. */
export interface ComputeSettings {
  /** Jobs running at once on this server (default 2). */
  readonly maxConcurrentJobs?: number;
  /** Jobs waiting at most (default 100); more are refused with 503 `QUEUE_FULL`. */
  readonly maxQueuedJobs?: number;
  /** Time limit of a job in ms (default 15 minutes); calculations may declare less. */
  readonly jobTimeoutMs?: number;
  /** Heap limit of a job in MiB (default 512); calculations may declare less. */
  readonly jobMemoryMb?: number;
  /** How long a job asked to stop may take before its worker is killed, in ms (default 5000). */
  readonly stopGraceMs?: number;
  /** Heartbeat of this instance on a shared store, in ms (default 2000). */
  readonly heartbeatMs?: number;
  /** Longest delay before progress is written to the store, in ms (default 500). */
  readonly flushMs?: number;
  /** Keep a booted worker ready for the next job (default true; costs an idle thread). */
  readonly spareWorkers?: boolean;
}

/** Settings with every default filled in. */
export type ResolvedSettings = Required<ComputeSettings>;

function setting(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`compute.${name} must be a positive integer`);
  return value;
}

/**
 * Check the settings and fill in the defaults.
 *
 * @param settings - what was given
 * @throws RangeError naming a setting that is not a positive integer
 */
export function resolveSettings(settings: ComputeSettings): ResolvedSettings {
  return {
    maxConcurrentJobs: setting(settings.maxConcurrentJobs, 2, 'maxConcurrentJobs'),
    maxQueuedJobs: setting(settings.maxQueuedJobs, 100, 'maxQueuedJobs'),
    jobTimeoutMs: setting(settings.jobTimeoutMs, 15 * 60_000, 'jobTimeoutMs'),
    jobMemoryMb: setting(settings.jobMemoryMb, 512, 'jobMemoryMb'),
    stopGraceMs: setting(settings.stopGraceMs, 5000, 'stopGraceMs'),
    heartbeatMs: setting(settings.heartbeatMs, 2000, 'heartbeatMs'),
    flushMs: setting(settings.flushMs, 500, 'flushMs'),
    spareWorkers: settings.spareWorkers !== false,
  };
}
