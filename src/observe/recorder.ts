/**
 * `SubmissionRecorder`: how anything that delivers data (the Downloader, flow runs) records a
 * submission without knowing where it goes — the parkit server ({@link ParkitObserver}), a
 * Luco-compatible API ({@link LucoRecorder}), or several at once ({@link combineRecorders}).
 *
 * @module
 */
import type { QualityAction, RunEnvironmentData, SubmissionRef } from './model.js';

/** Metrics as `{ name: value }` or LucoPy's `[{ metric, value }]`. Zero is a value. */
export type MetricsInput =
  | Readonly<Record<string, number>>
  | readonly { readonly metric: string; readonly value: number }[];

/** A quality result to submit. */
export interface QualityInput {
  readonly stage: string;
  readonly tool: string;
  /** Text, or an object sent as JSON text. */
  readonly results: string | Readonly<Record<string, unknown>>;
  readonly dataset?: string;
  readonly action: QualityAction;
}

/** A status to submit. */
export interface StatusInput {
  readonly status: string;
  readonly stage?: string;
  readonly type?: string;
  readonly message?: string;
  readonly modifiedBy?: string;
}

/** Options of one call. */
export interface RecorderCallOptions {
  readonly signal?: AbortSignal;
}

/** What a recorder is asked to open. */
export interface SubmissionStart extends RecorderCallOptions {
  /** The slot sequence (its parkit name; a {@link LucoRecorder} maps it to a Luco definition). */
  readonly sequence: string;
  /**
   * The slot's tag. Default: the recorder's choice — on the parkit server the scheduled
   * delivery due now (or a time tag for an unscheduled sequence); for Luco today's UTC date.
   */
  readonly tag?: string;
  /** The stage the submission starts in, e.g. `Download`. */
  readonly stage?: string;
  /** Where it runs. */
  readonly runEnvironment?: RunEnvironmentData;
}

/** One open submission. Each call is one request; none is retried by the recorder. */
export interface SubmissionHandle {
  /** Where it is (for Luco: the sequence as given, the tag, and Luco's ids as text). */
  readonly ref: SubmissionRef;
  /** Add or replace metrics of a stage. */
  submitMetrics(stage: string, metrics: MetricsInput, options?: RecorderCallOptions): Promise<void>;
  /** Add a quality result. */
  submitQuality(result: QualityInput, options?: RecorderCallOptions): Promise<void>;
  /** Add a status to the history. */
  submitStatus(status: StatusInput, options?: RecorderCallOptions): Promise<void>;
  /** Mark it completed (`Completed` at stage `Submission`). */
  submitCompletedStatus(options?: RecorderCallOptions): Promise<void>;
}

/**
 * Opens submissions. Implemented by {@link ParkitObserver} (the parkit server) and
 * {@link LucoRecorder} (a Luco-compatible API); combine them with {@link combineRecorders}.
 *
 * @example
 * ```ts
 * const handle = await recorder.start({ sequence: 'sales-daily', stage: 'Download' });
 * await handle.submitMetrics('Download', { bytes: 1024, objects: 0 });
 * await handle.submitCompletedStatus();
 * ```
 */
export interface SubmissionRecorder {
  /** Open a submission (finding or creating its slot). */
  start(start: SubmissionStart): Promise<SubmissionHandle>;
}

/**
 * One recorder that records to several: each submission is opened on every recorder (in
 * order) and every call goes to all of them. The first recorder's ref is the combined ref.
 *
 * @param recorders - at least one recorder
 * @returns a recorder that fails when any of them fails
 * @throws TypeError without recorders
 * @example
 * ```ts
 * const recorder = combineRecorders(observer, new LucoRecorder(luco));
 * ```
 */
export function combineRecorders(...recorders: SubmissionRecorder[]): SubmissionRecorder {
  if (recorders.length === 0 || recorders.some((r) => typeof r?.start !== 'function')) {
    throw new TypeError('recorders must be one or more SubmissionRecorders');
  }
  return {
    async start(start) {
      const handles: SubmissionHandle[] = [];
      for (const recorder of recorders) handles.push(await recorder.start(start));
      const all = (call: (handle: SubmissionHandle) => Promise<void>) =>
        Promise.all(handles.map(call)).then(() => undefined);
      return {
        ref: (handles[0] as SubmissionHandle).ref,
        submitMetrics: (stage, metrics, options) => all((h) => h.submitMetrics(stage, metrics, options)),
        submitQuality: (result, options) => all((h) => h.submitQuality(result, options)),
        submitStatus: (status, options) => all((h) => h.submitStatus(status, options)),
        submitCompletedStatus: (options) => all((h) => h.submitCompletedStatus(options)),
      };
    },
  };
}

/**
 * Metrics as LucoPy's list, checked: names non-empty, values finite numbers (0 included).
 *
 * @param metrics - a record or a list
 * @throws TypeError / RangeError naming the bad metric
 */
export function metricList(metrics: MetricsInput): { metric: string; value: number }[] {
  if (typeof metrics !== 'object' || metrics === null)
    throw new TypeError('metrics must be an object or a list');
  const list = Array.isArray(metrics)
    ? (metrics as readonly { metric: string; value: number }[]).map((m) => ({
        metric: m?.metric,
        value: m?.value,
      }))
    : Object.entries(metrics as Record<string, number>).map(([metric, value]) => ({ metric, value }));
  if (list.length === 0) throw new RangeError('metrics must hold at least one metric');
  for (const { metric, value } of list) {
    if (typeof metric !== 'string' || metric === '')
      throw new TypeError('every metric needs a non-empty name');
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(
        `metric ${JSON.stringify(metric.slice(0, 64))} must be a finite number (0 is allowed)`,
      );
    }
  }
  return list;
}

/**
 * A quality result's `results` as text.
 *
 * @param results - text or an object
 */
export function resultsText(results: QualityInput['results']): string {
  if (typeof results === 'string') return results;
  if (typeof results !== 'object' || results === null)
    throw new TypeError('results must be a text or an object');
  return JSON.stringify(results);
}

/**
 * Check a quality action.
 *
 * @param action - the candidate
 * @throws RangeError unless `continued` or `cancelled`
 */
export function checkAction(action: unknown): QualityAction {
  if (action !== 'continued' && action !== 'cancelled') {
    throw new RangeError('action must be "continued" or "cancelled"');
  }
  return action;
}
