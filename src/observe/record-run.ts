/**
 * `recordRun`: run one piece of delivery work as one submission — open it (status `Started`),
 * run, then submit the metrics and quality results the work reports and mark it completed; on
 * failure submit what is known, a `Failed` status with the error's safe message, and rethrow
 * the original error. The Downloader uses it; flow runs are meant to as well.
 *
 * @module
 */
import { isParkitError } from '../par/errors.js';
import { redactUrl } from '../par/redact.js';
import type { RunEnvironmentData, SubmissionRef } from './model.js';
import type { MetricsInput, QualityInput, SubmissionHandle, SubmissionRecorder } from './recorder.js';

/** Where a run is recorded (the Downloader's `observe` option). */
export interface ObserveOptions {
  /** Where submissions go: a `ParkitObserver`, a `LucoRecorder`, or `combineRecorders(…)`. */
  readonly recorder: SubmissionRecorder;
  /** The slot sequence. */
  readonly sequence: string;
  /** The slot tag (default: the recorder's choice, see {@link SubmissionStart.tag}). */
  readonly tag?: string;
  /** The stage name (default: the caller's, e.g. `Download`). */
  readonly stage?: string;
  /** Where it runs (host, job id, versions). */
  readonly runEnvironment?: RunEnvironmentData;
  /** What was delivered, named in quality results. */
  readonly dataset?: string;
}

/** What a run reports, on success or failure. */
export interface RunReport {
  readonly metrics: MetricsInput;
  readonly quality?: readonly QualityInput[];
}

/** How a run's outcome becomes a report. */
export interface RunReporting<T> {
  /** The stage used when `observe.stage` is not given. */
  readonly stage: string;
  /** The report of a run that succeeded (`seconds`: its duration). */
  success(result: T, seconds: number, stage: string): RunReport;
  /** The report of a run that failed, from what is known. */
  failure(error: unknown, seconds: number, stage: string): RunReport;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A failure's message, safe to record: parkit errors' own messages (they never hold secrets),
 * else the error's name and message with every URL redacted.
 *
 * @param error - what was thrown
 */
export function failureMessage(error: unknown): string {
  if (isParkitError(error)) return `${error.code}: ${error.message}`.slice(0, 1000);
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'the run failed';
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => redactUrl(url)).slice(0, 1000);
}

async function submitReport(
  handle: SubmissionHandle,
  stage: string,
  report: RunReport,
  signal?: AbortSignal,
) {
  const options = signal === undefined ? {} : { signal };
  const hasMetrics = Array.isArray(report.metrics)
    ? report.metrics.length > 0
    : Object.keys(report.metrics as object).length > 0;
  if (hasMetrics) await handle.submitMetrics(stage, report.metrics, options);
  for (const result of report.quality ?? []) await handle.submitQuality(result, options);
}

/**
 * Run `work` as one recorded submission.
 *
 * @param observe - recorder, sequence, tag, stage, run environment
 * @param reporting - default stage, and how success and failure become metrics and quality results
 * @param work - the delivery
 * @returns what `work` returned, and where it was recorded
 * @throws what `work` threw (after recording the failure, best effort); a recorder's error when
 *   opening the submission (nothing has run then) or when recording a success (the work is done)
 */
export async function recordRun<T>(
  observe: ObserveOptions,
  reporting: RunReporting<T>,
  work: () => Promise<T>,
): Promise<{ result: T; submission: SubmissionRef }> {
  if (typeof observe?.recorder?.start !== 'function')
    throw new TypeError('observe.recorder must be a SubmissionRecorder');
  if (typeof observe.sequence !== 'string' || observe.sequence === '') {
    throw new TypeError('observe.sequence must be a non-empty string');
  }
  const stage = observe.stage ?? reporting.stage;
  const signal = reporting.signal;
  const handle = await observe.recorder.start({
    sequence: observe.sequence,
    stage,
    ...(observe.tag === undefined ? {} : { tag: observe.tag }),
    ...(observe.runEnvironment === undefined ? {} : { runEnvironment: observe.runEnvironment }),
    ...(signal === undefined ? {} : { signal }),
  });
  await handle.submitStatus({ status: 'Started', stage }, signal === undefined ? {} : { signal });
  const started = performance.now();
  const seconds = () => Math.round(performance.now() - started) / 1000;
  let result: T;
  try {
    result = await work();
  } catch (error) {
    try {
      // The run's signal may be what stopped it: record the failure regardless.
      await submitReport(handle, stage, reporting.failure(error, seconds(), stage));
      await handle.submitStatus({ status: 'Failed', stage: 'Submission', message: failureMessage(error) });
    } catch {
      // Recording is best effort here: the work's own error is what the caller must see.
    }
    throw error;
  }
  await submitReport(handle, stage, reporting.success(result, seconds(), stage), signal);
  await handle.submitCompletedStatus(signal === undefined ? {} : { signal });
  return { result, submission: handle.ref };
}
