/**
 * `ParkitObserver`: the typed client of the parkit server's observability API (slot sequences,
 * slots, submissions, finds). Web-standard (`fetch`), so it runs wherever the core runs; it is
 * also a {@link SubmissionRecorder}. The admin key is held privately and never appears in
 * messages, `toString`, JSON or `inspect` output.
 *
 * @module
 */
import { FormatError, isParkitError } from '../par/errors.js';
import { type AdminEndpoint, adminCall, adminEndpoint } from '../remote/admin-call.js';
import type {
  ClosestSubmission,
  Delivery,
  FindDirection,
  RunEnvironmentData,
  SequenceDefinition,
  Slot,
  SlotSequence,
  SlotSubmission,
  Submission,
  SubmissionRef,
} from './model.js';
import { COMPLETED_STATUS } from './model.js';
import {
  checkAction,
  type MetricsInput,
  metricList,
  type QualityInput,
  type RecorderCallOptions,
  resultsText,
  type StatusInput,
  type SubmissionHandle,
  type SubmissionRecorder,
  type SubmissionStart,
} from './recorder.js';
import { checkServiceUrl, type TimeInput, timeText } from './time-input.js';

/** How to reach a parkit server's observability API. */
export interface ParkitObserverOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The admin key (from the server's `admin.key`, or `PARKIT_ADMIN_KEY`). */
  readonly adminKey: string;
  /** The fetch to use (defaults to the global one). */
  readonly fetch?: typeof fetch;
  /** Milliseconds before one request is abandoned (default 30 000). */
  readonly timeout?: number;
}

/** A page of a listing: pass `next` as `cursor` for the following page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

/** Paging options. */
export interface PageOptions extends RecorderCallOptions {
  /** Most items (1–1000, default 100). */
  readonly limit?: number;
  /** `next` of the previous page. */
  readonly cursor?: string;
}

/** A window of expected times, `[after, before)`. */
export interface WindowOptions {
  readonly after?: TimeInput;
  readonly before?: TimeInput;
}

/** Which slot: by tag, by time (scheduled sequences), or a new unscheduled slot expected at a time. */
export interface SlotChoice {
  readonly tag?: string;
  /** Scheduled sequences: the delivery due at this time (default: now on the server's clock). */
  readonly at?: TimeInput;
  /** Unscheduled sequences: when the delivery is expected (default: now). */
  readonly expected?: TimeInput;
}

/** What a new submission starts with. */
export interface NewSubmissionOptions extends SlotChoice, RecorderCallOptions {
  readonly stage?: string;
  readonly runEnvironments?: readonly RunEnvironmentData[];
}

/** Filters of {@link ParkitObserver.findSubmissions} (LucoPy's `find_submissions_by_slot_sequence`). */
export interface FindSubmissionsOptions extends WindowOptions, PageOptions {
  /** `newest` (default) or `oldest` slots first. */
  readonly order?: 'newest' | 'oldest';
  readonly onlyCompleted?: boolean;
  /** Only the latest (matching) submission of each slot. */
  readonly onlyLatestSubmission?: boolean;
  /** Stop after the first slot with a matching submission. */
  readonly onlyLatestSlot?: boolean;
}

/** What {@link ParkitObserver.findClosest} searches from: a time, or a slot's time plus an offset. */
export type ClosestTarget =
  | { readonly at: TimeInput; readonly offsetSeconds?: number }
  | { readonly from: string; readonly offsetSeconds?: number };

/** Options of {@link ParkitObserver.findClosest} (LucoPy's `find_submission_in_slot_sequence`). */
export interface FindClosestOptions extends RecorderCallOptions {
  /** `historic` (default), `future`, `either` or `exact`. */
  readonly direction?: FindDirection;
  readonly onlyCompleted?: boolean;
}

function name(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return encodeURIComponent(value);
}

function refPath(ref: SubmissionRef): string {
  if (typeof ref !== 'object' || ref === null) throw new TypeError('ref must be { sequence, tag, id }');
  return `observe/sequences/${name(ref.sequence, 'ref.sequence')}/slots/${name(ref.tag, 'ref.tag')}/submissions/${name(ref.id, 'ref.id')}`;
}

function query(entries: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function signalOf(options: RecorderCallOptions | undefined): AbortSignal | undefined {
  return options?.signal;
}

function field<T>(body: unknown, key: string): T {
  const value = (body as Record<string, unknown> | null)?.[key];
  if (value === undefined) throw new FormatError(`the parkit server answered without ${key}`, { field: key });
  return value as T;
}

/**
 * The observability client of a parkit server.
 *
 * @example
 * ```ts
 * const observer = new ParkitObserver({ url: 'http://127.0.0.1:8080', adminKey });
 * await observer.putSequence({ name: 'sales-daily', schedule: { everySeconds: 86_400, start: '2024-05-01T06:00:00Z' } });
 * const { submission } = await observer.createSubmission('sales-daily', { tag: '2024-05-02', stage: 'Download' });
 * await observer.submitMetrics(submission, 'Download', { bytes: 1024, rejected: 0 });
 * await observer.submitCompletedStatus(submission);
 * const latest = await observer.latestCompleted('sales-daily');
 * ```
 */
export class ParkitObserver implements SubmissionRecorder {
  /** The server's base URL. */
  readonly url: string;
  readonly #endpoint: AdminEndpoint;

  /**
   * @param options - server URL, admin key, transport
   * @throws TypeError for a bad URL or a missing key; RangeError for a bad timeout
   */
  constructor(options: ParkitObserverOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.url = checkServiceUrl(options.url, 'url', true);
    this.#endpoint = adminEndpoint(this.url, options);
  }

  #call(method: string, path: string, body: unknown, options: RecorderCallOptions | undefined) {
    return adminCall(this.#endpoint, method, path, body, signalOf(options));
  }

  /** A find that answers 404 `NO_SUBMISSION_FOUND` when nothing matches. */
  async #find<T>(path: string, options: RecorderCallOptions | undefined): Promise<T | undefined> {
    try {
      return (await this.#call('GET', path, undefined, options)) as T;
    } catch (error) {
      if (isParkitError(error, 'PARKIT_NOT_FOUND') && error.context.serviceCode === 'NO_SUBMISSION_FOUND')
        return undefined;
      throw error;
    }
  }

  /**
   * Create a sequence, or update it with `overwrite` (its schedule only while it has no slots).
   * Putting the same definition again changes nothing.
   *
   * @param definition - name, description, ordered parameters, schedule
   * @param options - `overwrite`; cancellation
   * @returns the sequence and `created`, `unchanged` or `updated`
   * @throws ConflictError (`SEQUENCE_EXISTS`, `SCHEDULE_IN_USE`); RemoteServiceError for a field the server refused
   */
  async putSequence(
    definition: SequenceDefinition,
    options: RecorderCallOptions & { readonly overwrite?: boolean } = {},
  ): Promise<{ sequence: SlotSequence; outcome: 'created' | 'unchanged' | 'updated' }> {
    if (typeof definition !== 'object' || definition === null)
      throw new TypeError('definition must be an object');
    const path = `observe/sequences/${name(definition.name, 'definition.name')}${options.overwrite ? '?overwrite=true' : ''}`;
    const body = await this.#call('PUT', path, definition, options);
    return { sequence: field(body, 'sequence'), outcome: field(body, 'outcome') };
  }

  /**
   * One sequence.
   *
   * @param sequence - its name
   * @param options - cancellation
   * @throws NotFoundError
   */
  async getSequence(sequence: string, options?: RecorderCallOptions): Promise<SlotSequence> {
    return field(
      await this.#call('GET', `observe/sequences/${name(sequence, 'sequence')}`, undefined, options),
      'sequence',
    );
  }

  /**
   * A page of sequences, by name.
   *
   * @param options - limit, cursor, cancellation
   */
  async listSequences(options: PageOptions = {}): Promise<Page<SlotSequence>> {
    const body = await this.#call(
      'GET',
      `observe/sequences${query({ limit: options.limit, cursor: options.cursor })}`,
      undefined,
      options,
    );
    const next = (body as { next?: string }).next;
    return { items: field(body, 'sequences'), ...(next === undefined ? {} : { next }) };
  }

  /**
   * Delete a sequence that has no slots.
   *
   * @param sequence - its name
   * @param options - cancellation
   * @throws NotFoundError; ConflictError (`SEQUENCE_NOT_EMPTY`)
   */
  async deleteSequence(sequence: string, options?: RecorderCallOptions): Promise<void> {
    await this.#call('DELETE', `observe/sequences/${name(sequence, 'sequence')}`, undefined, options);
  }

  /**
   * Find or create a slot (LucoPy's `find_slot_id`): by tag, or on a scheduled sequence the
   * delivery due at a time.
   *
   * @param sequence - its name
   * @param choice - tag, at or expected
   * @param options - cancellation
   * @returns the slot and whether this call created it
   * @throws NotFoundError (no sequence); RemoteServiceError (`TAG_NOT_ON_SCHEDULE`); ConflictError (`SCHEDULE_NOT_STARTED`)
   */
  async findSlot(sequence: string, choice: SlotChoice = {}, options?: RecorderCallOptions): Promise<Slot> {
    const body = await this.#call(
      'POST',
      `observe/sequences/${name(sequence, 'sequence')}/slots`,
      slotBody(choice),
      options,
    );
    return field(body, 'slot');
  }

  /**
   * One slot, if it exists (nothing is created).
   *
   * @param sequence - its name
   * @param tag - the slot tag
   * @param options - cancellation
   * @throws NotFoundError
   */
  async getSlot(sequence: string, tag: string, options?: RecorderCallOptions): Promise<Slot> {
    const path = `observe/sequences/${name(sequence, 'sequence')}/slots/${name(tag, 'tag')}`;
    return field(await this.#call('GET', path, undefined, options), 'slot');
  }

  /**
   * A page of a sequence's slots in expected-time order (`oldest` first by default).
   *
   * @param sequence - its name
   * @param options - window, order, limit, cursor
   */
  async listSlots(
    sequence: string,
    options: WindowOptions & PageOptions & { readonly order?: 'newest' | 'oldest' } = {},
  ): Promise<Page<Slot>> {
    const path = `observe/sequences/${name(sequence, 'sequence')}/slots${query({
      ...windowQuery(options),
      order: options.order,
      limit: options.limit,
      cursor: options.cursor,
    })}`;
    const body = await this.#call('GET', path, undefined, options);
    const next = (body as { next?: string }).next;
    return { items: field(body, 'slots'), ...(next === undefined ? {} : { next }) };
  }

  /**
   * Create a submission, finding or creating its slot (by tag; by default the scheduled
   * delivery due now, or a new time-tagged slot on an unscheduled sequence).
   *
   * @param sequence - its name
   * @param options - slot choice, stage, run environments, cancellation
   * @throws NotFoundError; RemoteServiceError / ConflictError as {@link ParkitObserver.findSlot}
   */
  async createSubmission(sequence: string, options: NewSubmissionOptions = {}): Promise<SlotSubmission> {
    const body = await this.#call(
      'POST',
      `observe/sequences/${name(sequence, 'sequence')}/submissions`,
      {
        ...slotBody(options),
        ...(options.stage === undefined ? {} : { stage: options.stage }),
        ...(options.runEnvironments === undefined ? {} : { runEnvironments: options.runEnvironments }),
      },
      options,
    );
    return { slot: field(body, 'slot'), submission: field(body, 'submission') };
  }

  /**
   * One submission.
   *
   * @param ref - sequence, tag and id (a {@link Submission} will do)
   * @param options - cancellation
   * @throws NotFoundError
   */
  async getSubmission(ref: SubmissionRef, options?: RecorderCallOptions): Promise<Submission> {
    return field(await this.#call('GET', refPath(ref), undefined, options), 'submission');
  }

  /**
   * A page of one slot's submissions, oldest first.
   *
   * @param sequence - its name
   * @param tag - the slot tag
   * @param options - limit, cursor
   */
  async listSubmissions(sequence: string, tag: string, options: PageOptions = {}): Promise<Page<Submission>> {
    const path = `observe/sequences/${name(sequence, 'sequence')}/slots/${name(tag, 'tag')}/submissions${query(
      {
        limit: options.limit,
        cursor: options.cursor,
      },
    )}`;
    const body = await this.#call('GET', path, undefined, options);
    const next = (body as { next?: string }).next;
    return { items: field(body, 'submissions'), ...(next === undefined ? {} : { next }) };
  }

  /**
   * Add or replace metrics of a stage (a later value of the same metric replaces the earlier).
   *
   * @param ref - the submission
   * @param stage - e.g. `Download`
   * @param metrics - `{ name: value }` or `[{ metric, value }]`; 0 is a value
   * @param options - cancellation
   * @returns the submission after the change
   */
  async submitMetrics(
    ref: SubmissionRef,
    stage: string,
    metrics: MetricsInput,
    options?: RecorderCallOptions,
  ): Promise<Submission> {
    const body = { stage, metrics: metricList(metrics) };
    return field(await this.#call('POST', `${refPath(ref)}/metrics`, body, options), 'submission');
  }

  /**
   * Add a quality result.
   *
   * @param ref - the submission
   * @param result - stage, tool, results, dataset, action
   * @param options - cancellation
   */
  async submitQuality(
    ref: SubmissionRef,
    result: QualityInput,
    options?: RecorderCallOptions,
  ): Promise<Submission> {
    const body = {
      stage: result.stage,
      tool: result.tool,
      results: resultsText(result.results),
      ...(result.dataset === undefined ? {} : { dataset: result.dataset }),
      action: checkAction(result.action),
    };
    return field(await this.#call('POST', `${refPath(ref)}/quality`, body, options), 'submission');
  }

  /**
   * Add a status to the history.
   *
   * @param ref - the submission
   * @param status - status, stage, type, message, modifiedBy
   * @param options - cancellation
   */
  async submitStatus(
    ref: SubmissionRef,
    status: StatusInput,
    options?: RecorderCallOptions,
  ): Promise<Submission> {
    return field(await this.#call('POST', `${refPath(ref)}/status`, status, options), 'submission');
  }

  /**
   * Mark a submission completed (`Completed` at stage `Submission`).
   *
   * @param ref - the submission
   * @param options - cancellation
   */
  submitCompletedStatus(ref: SubmissionRef, options?: RecorderCallOptions): Promise<Submission> {
    return this.submitStatus(ref, COMPLETED_STATUS, options);
  }

  /**
   * Add run environments.
   *
   * @param ref - the submission
   * @param environments - flat objects of facts
   * @param options - stage; cancellation
   */
  async submitRunEnvironment(
    ref: SubmissionRef,
    environments: RunEnvironmentData | readonly RunEnvironmentData[],
    options: RecorderCallOptions & { readonly stage?: string } = {},
  ): Promise<Submission> {
    const body = {
      ...(options.stage === undefined ? {} : { stage: options.stage }),
      runEnvironments: Array.isArray(environments) ? environments : [environments],
    };
    return field(await this.#call('POST', `${refPath(ref)}/run-environment`, body, options), 'submission');
  }

  /**
   * Submissions of a sequence with their slots, slot by slot (LucoPy's
   * `find_submissions_by_slot_sequence`; all filters off by default).
   *
   * @param sequence - its name
   * @param options - window, order, filters, limit, cursor
   */
  async findSubmissions(
    sequence: string,
    options: FindSubmissionsOptions = {},
  ): Promise<Page<SlotSubmission>> {
    const path = `observe/sequences/${name(sequence, 'sequence')}/submissions${query({
      ...windowQuery(options),
      order: options.order,
      completed: options.onlyCompleted,
      latestSubmission: options.onlyLatestSubmission,
      latestSlot: options.onlyLatestSlot,
      limit: options.limit,
      cursor: options.cursor,
    })}`;
    const body = await this.#call('GET', path, undefined, options);
    const next = (body as { next?: string }).next;
    return { items: field(body, 'items'), ...(next === undefined ? {} : { next }) };
  }

  /**
   * The latest completed submission of a sequence (LucoPy's `find_latest_submission_by_slot_sequence`).
   *
   * @param sequence - its name
   * @param options - window, cancellation
   * @returns the slot and submission, or undefined when none is completed
   * @throws NotFoundError for an unknown sequence
   */
  async latestCompleted(
    sequence: string,
    options: WindowOptions & RecorderCallOptions = {},
  ): Promise<SlotSubmission | undefined> {
    return this.#find(
      `observe/sequences/${name(sequence, 'sequence')}/latest${query(windowQuery(options))}`,
      options,
    );
  }

  /**
   * The submission closest to a time (LucoPy's `find_submission_in_slot_sequence`): the latest
   * submission of the nearest slot with one, looking back (`historic`), forward, either way or
   * only at the time.
   *
   * @param sequence - its name
   * @param target - `{ at }` a time, or `{ from }` a slot tag; plus `offsetSeconds`
   * @param options - direction, onlyCompleted, cancellation
   * @returns the find with exactness, difference and slots apart, or undefined
   * @throws NotFoundError for an unknown sequence or `from` slot
   */
  async findClosest(
    sequence: string,
    target: ClosestTarget,
    options: FindClosestOptions = {},
  ): Promise<ClosestSubmission | undefined> {
    if (typeof target !== 'object' || target === null || 'at' in target === 'from' in target) {
      throw new TypeError('target must be { at } or { from }');
    }
    const offset = target.offsetSeconds;
    if (offset !== undefined && !Number.isFinite(offset))
      throw new RangeError('offsetSeconds must be a finite number');
    const path = `observe/sequences/${name(sequence, 'sequence')}/closest${query({
      ...('at' in target ? { at: timeText(target.at, 'target.at') } : { from: target.from }),
      offset,
      direction: options.direction,
      completed: options.onlyCompleted,
    })}`;
    return this.#find(path, options);
  }

  /**
   * The delivery report of `[after, before)`: every expected delivery of a scheduled sequence
   * (also the missing ones), or the slots of an unscheduled one.
   *
   * @param sequence - its name
   * @param window - after and before (both required)
   * @param options - cancellation
   */
  async deliveries(
    sequence: string,
    window: { readonly after: TimeInput; readonly before: TimeInput },
    options?: RecorderCallOptions,
  ): Promise<Delivery[]> {
    const path = `observe/sequences/${name(sequence, 'sequence')}/deliveries${query(windowQuery(window))}`;
    return field(await this.#call('GET', path, undefined, options), 'deliveries');
  }

  /**
   * Open a submission for a recorder's caller (the Downloader, flow runs).
   *
   * @param start - sequence, tag, stage, run environment
   * @returns a handle whose calls go to this server
   */
  async start(start: SubmissionStart): Promise<SubmissionHandle> {
    const { submission } = await this.createSubmission(start.sequence, {
      ...(start.tag === undefined ? {} : { tag: start.tag }),
      ...(start.stage === undefined ? {} : { stage: start.stage }),
      ...(start.runEnvironment === undefined ? {} : { runEnvironments: [start.runEnvironment] }),
      ...(start.signal === undefined ? {} : { signal: start.signal }),
    });
    const ref: SubmissionRef = { sequence: submission.sequence, tag: submission.tag, id: submission.id };
    return {
      ref,
      submitMetrics: async (stage, metrics, options) =>
        void (await this.submitMetrics(ref, stage, metrics, options)),
      submitQuality: async (result, options) => void (await this.submitQuality(ref, result, options)),
      submitStatus: async (status, options) => void (await this.submitStatus(ref, status, options)),
      submitCompletedStatus: async (options) => void (await this.submitCompletedStatus(ref, options)),
    };
  }

  /** The safe summary: the URL only. */
  toJSON(): { readonly url: string } {
    return { url: this.url };
  }

  /** One line for logs (no key). */
  toString(): string {
    return `ParkitObserver(${this.url})`;
  }

  /** What Node's `util.inspect` shows (no key). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function slotBody(choice: SlotChoice): Record<string, string> {
  if (typeof choice !== 'object' || choice === null) throw new TypeError('the slot choice must be an object');
  return {
    ...(choice.tag === undefined ? {} : { tag: choice.tag }),
    ...(choice.at === undefined ? {} : { at: timeText(choice.at, 'at') }),
    ...(choice.expected === undefined ? {} : { expected: timeText(choice.expected, 'expected') }),
  };
}

function windowQuery(window: WindowOptions): { after?: string; before?: string } {
  return {
    ...(window.after === undefined ? {} : { after: timeText(window.after, 'after') }),
    ...(window.before === undefined ? {} : { before: timeText(window.before, 'before') }),
  };
}
