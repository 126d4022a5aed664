/**
 * `LucoClient`: export submissions to a Luco-compatible API (PROTOCOLS.md §4, the paths and
 * bodies LucoPy sends): find or create slots, create submissions, submit run environments,
 * metrics, quality results and statuses, and LucoPy's find methods. Web-standard (`fetch`).
 *
 * Authentication is a bearer token from your identity object or an Azure service principal,
 * renewed 30 s before it expires (on the injected clock) and once after a 401. The token and the
 * client secret never appear in messages, logs, `toString`, JSON or `inspect` output.
 *
 * @module
 */
import { FormatError } from '../../par/errors.js';
import { type Clock, systemClock } from '../../par/expiry.js';
import { redactUrl } from '../../par/redact.js';
import { send, type Transport } from '../../remote/transport.js';
import type { FindDirection, RunEnvironmentData } from '../model.js';
import {
  checkAction,
  type MetricsInput,
  metricList,
  type QualityInput,
  type RecorderCallOptions,
  resultsText,
  type StatusInput,
} from '../recorder.js';
import { checkServiceUrl, type TimeInput, timeText } from '../time-input.js';
import {
  definitionEntries,
  type LucoClientOptions,
  type LucoLogEntry,
  type LucoSequenceDefinition,
} from './options.js';
import { lucoRefusal } from './refusal.js';
import { azureTokenUrl, LucoTokenKeeper, type TokenSource } from './token.js';

/** A submission's ids in Luco. */
export interface LucoSubmissionRef {
  readonly slotId: number;
  readonly submissionId: number;
}

/** Options of LucoPy's `find_submissions_by_slot_sequence` (all filters on by default, as LucoPy). */
export interface LucoFindOptions extends RecorderCallOptions {
  readonly onlyLatestSlot?: boolean;
  readonly onlyDeliveredSlots?: boolean;
  readonly onlyCompletedSubmissions?: boolean;
  readonly onlyLatestSubmission?: boolean;
  readonly expectedAfter?: TimeInput;
  readonly expectedBefore?: TimeInput;
}

/** Options of LucoPy's `find_submission_in_slot_sequence`. */
export interface LucoSearchOptions extends RecorderCallOptions {
  readonly onlyCompletedSubmissions?: boolean;
  /** `d:HH:MM:SS` (LucoPy's form) or seconds. */
  readonly timeDifference?: string | number;
  /** `historic` (default), `future`, `either` or `exact`. */
  readonly findClosest?: FindDirection;
}

interface Call extends RecorderCallOptions {
  readonly action: string;
  readonly query?: URLSearchParams;
  readonly body?: unknown;
  /** Statuses answered as `undefined` rather than thrown. */
  readonly allow?: readonly number[];
}

function positiveId(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${argument} must be a non-negative integer id`);
  }
  return value;
}

function numericId(body: unknown, key: string, action: string): number {
  const value = (body as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new FormatError(`Luco ${action} answered without a numeric ${key}`, { field: key });
  }
  return value;
}

/** `d:HH:MM:SS` from seconds (LucoPy's TimeDifference form; a leading `-` for negative). */
function timeDifference(value: string | number): string {
  if (typeof value === 'string') {
    if (!/^-?\d{1,5}:\d\d:\d\d:\d\d$/.test(value)) throw new RangeError('timeDifference must be d:HH:MM:SS');
    return value;
  }
  if (!Number.isFinite(value)) throw new RangeError('timeDifference must be a finite number of seconds');
  const sign = value < 0 ? '-' : '';
  let rest = Math.round(Math.abs(value));
  const two = (n: number) => String(n).padStart(2, '0');
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  rest = (rest - minutes) / 60;
  const hours = rest % 24;
  return `${sign}${(rest - hours) / 24}:${two(hours)}:${two(minutes)}:${two(seconds)}`;
}

/** Luco's spelling of the quality actions. */
const ACTION = { continued: 'Continued', cancelled: 'Cancelled' } as const;

/**
 * The client of a Luco-compatible API.
 *
 * @example
 * ```ts
 * const luco = new LucoClient({ url: 'https://luco.example.org/api', identity: { generateToken: () => vault.lucoToken() } });
 * const slotId = await luco.findSlotId('2024-05-01', { source: 'sales', region: 'eu' });
 * const submission = await luco.createSubmission(slotId);
 * await luco.submitMetrics(submission, 'Download', { bytes: 1024, rejected: 0 });
 * await luco.submitCompletedStatus(submission);
 * ```
 */
export class LucoClient {
  /** The API's base URL. */
  readonly url: string;
  readonly #keeper: LucoTokenKeeper;
  readonly #transport: Transport;
  readonly #log: ((entry: LucoLogEntry) => void) | undefined;

  /**
   * @param options - base URL, identity or Azure credentials, transport, clock
   * @throws TypeError for a bad URL or credentials; RangeError for a bad timeout or renewal buffer
   */
  constructor(options: LucoClientOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.url = checkServiceUrl(options.url, 'url', false);
    const timeout = options.timeout ?? 20_000;
    if (!Number.isFinite(timeout) || timeout <= 0)
      throw new RangeError('timeout must be a positive number of ms');
    const renewBefore = options.renewBeforeSeconds ?? 30;
    if (!Number.isFinite(renewBefore) || renewBefore < 0)
      throw new RangeError('renewBeforeSeconds must be ≥ 0');
    this.#transport = { fetch: options.fetch ?? globalThis.fetch.bind(globalThis), timeout, service: 'Luco' };
    let source: TokenSource;
    let tokenUrl: string | undefined;
    if (options.identity !== undefined) {
      if (options.azure !== undefined) throw new TypeError('give either identity or azure, not both');
      if (typeof options.identity?.generateToken !== 'function') {
        throw new TypeError('identity must be an object with a generateToken() method');
      }
      source = { identity: options.identity };
    } else if (options.azure !== undefined) {
      const azure = options.azure;
      for (const key of ['tenantId', 'clientId', 'clientSecret', 'resourceId'] as const) {
        if (typeof azure?.[key] !== 'string' || azure[key] === '')
          throw new TypeError(`azure.${key} must be a non-empty string`);
      }
      source = { azure: { ...azure } };
      tokenUrl = checkServiceUrl(azure.tokenUrl ?? azureTokenUrl(azure.tenantId), 'azure.tokenUrl', false);
    } else {
      throw new TypeError('give an identity (with generateToken()) or azure credentials');
    }
    if (options.log !== undefined && typeof options.log !== 'function')
      throw new TypeError('log must be a function');
    this.#log = options.log;
    const now: Clock = options.now ?? systemClock;
    this.#keeper = new LucoTokenKeeper(source, tokenUrl, this.#transport, now, renewBefore);
  }

  async #request(method: string, path: string, call: Call): Promise<unknown> {
    const query = call.query?.toString() ?? '';
    const url = `${this.url}${path}${query === '' ? '' : `?${query}`}`;
    const init = (token: string): RequestInit => ({
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    });
    let token = await this.#keeper.token(call.signal);
    let response: Response | undefined;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const started = performance.now();
      response = await send(this.#transport, url, init(token), { action: call.action, signal: call.signal });
      this.#log?.({
        method,
        url: redactUrl(url),
        status: response.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        attempt,
      });
      if (response.status !== 401 || attempt === 2) break;
      await response.body?.cancel();
      token = await this.#keeper.renew(token, call.signal);
    }
    const answer = response as Response;
    if (call.allow?.includes(answer.status)) {
      await answer.body?.cancel();
      return undefined;
    }
    if (!answer.ok) {
      throw await lucoRefusal(answer, { action: call.action, method, url, secrets: this.#keeper.secrets() });
    }
    const text = await answer.text();
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      // No `cause`: a JSON.parse message quotes the body.
      throw new FormatError(`Luco ${call.action} answered ${answer.status} with a body that is not JSON`);
    }
  }

  /**
   * The slot of a tag on a slot sequence (LucoPy's `find_slot_id`): searched first; when the
   * sequence has no slot with this tag, an unscheduled slot is created with it.
   *
   * @param tag - `YYYY-MM-DD` for scheduled deliveries, or a unique tag
   * @param definition - the slot sequence (`{ key: value }`, order is position)
   * @param options - cancellation
   * @returns the slot id
   * @throws RemoteServiceError when the API refuses (e.g. an unknown sequence)
   */
  async findSlotId(
    tag: string,
    definition: LucoSequenceDefinition,
    options: RecorderCallOptions = {},
  ): Promise<number> {
    if (typeof tag !== 'string' || tag === '') throw new TypeError('tag must be a non-empty string');
    const entries = definitionEntries(definition);
    const query = new URLSearchParams({ Tag: tag });
    for (const entry of entries) query.append('SlotSequenceDefinition', JSON.stringify(entry));
    const found = await this.#request('GET', '/slots/search/', {
      ...options,
      action: 'slot search',
      query,
      allow: [404],
    });
    if (found !== undefined) return numericId(found, 'slotId', 'slot search');
    const created = await this.#request('POST', '/slots/', {
      ...options,
      action: 'slot creation',
      body: { tag, slotSequenceDefinition: entries },
    });
    return numericId(created, 'slotId', 'slot creation');
  }

  /**
   * Create a submission on a slot (LucoPy's `create_submission`), with run environments if given.
   *
   * @param slotId - the slot
   * @param options - stage and run environments; cancellation
   */
  async createSubmission(
    slotId: number,
    options: RecorderCallOptions & {
      readonly stage?: string;
      readonly runEnvironments?: readonly RunEnvironmentData[];
    } = {},
  ): Promise<LucoSubmissionRef> {
    const slot = positiveId(slotId, 'slotId');
    const body = await this.#request('POST', `/slots/${slot}/submissions`, {
      ...options,
      action: 'submission creation',
    });
    const ref = { slotId: slot, submissionId: numericId(body, 'slotSubmissionId', 'submission creation') };
    if (options.runEnvironments !== undefined && options.runEnvironments.length > 0) {
      await this.submitRunEnvironment(ref, options.runEnvironments, options);
    }
    return ref;
  }

  /**
   * A submission's definition as Luco answers it (`GET /v2/slots/{s}/submissions/{id}?includeDelivery=true`).
   *
   * @param ref - slot and submission ids
   * @param options - cancellation
   */
  async getSubmission(
    ref: LucoSubmissionRef,
    options: RecorderCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const body = await this.#request('GET', `${this.#v2(ref)}`, {
      ...options,
      action: 'submission read',
      query: new URLSearchParams({ includeDelivery: 'true' }),
    });
    if (typeof body !== 'object' || body === null)
      throw new FormatError('Luco answered without a submission');
    return body as Record<string, unknown>;
  }

  #v1(ref: LucoSubmissionRef): string {
    return `/slots/${positiveId(ref?.slotId, 'ref.slotId')}/submissions/${positiveId(ref?.submissionId, 'ref.submissionId')}`;
  }

  #v2(ref: LucoSubmissionRef): string {
    return `/v2${this.#v1(ref)}`;
  }

  /**
   * Submit run environments (LucoPy's `submit_run_environment`).
   *
   * @param ref - the submission
   * @param environments - one or more flat objects
   * @param options - stage; cancellation
   */
  async submitRunEnvironment(
    ref: LucoSubmissionRef,
    environments: RunEnvironmentData | readonly RunEnvironmentData[],
    options: RecorderCallOptions & { readonly stage?: string } = {},
  ): Promise<void> {
    const runData = Array.isArray(environments) ? environments : [environments];
    await this.#request('POST', `${this.#v1(ref)}/runenvironment`, {
      ...options,
      action: 'run environment',
      body: { stage: options.stage ?? null, runData },
    });
  }

  /**
   * Submit metrics of a stage (LucoPy's `submit_metrics`; 0 is sent as 0).
   *
   * @param ref - the submission
   * @param stage - the stage
   * @param metrics - `{ name: value }` or `[{ metric, value }]`
   * @param options - cancellation
   */
  async submitMetrics(
    ref: LucoSubmissionRef,
    stage: string,
    metrics: MetricsInput,
    options: RecorderCallOptions = {},
  ): Promise<void> {
    if (typeof stage !== 'string' || stage === '') throw new TypeError('stage must be a non-empty string');
    await this.#request('POST', `${this.#v2(ref)}/metrics`, {
      ...options,
      action: 'metrics',
      body: { stage, metrics: metricList(metrics) },
    });
  }

  /**
   * A submission's metrics (`GET /slots/{s}/submissions/{id}/metrics`).
   *
   * @param ref - the submission
   * @param options - only these stages / metrics; cancellation
   */
  async getMetrics(
    ref: LucoSubmissionRef,
    options: RecorderCallOptions & {
      readonly stages?: readonly string[];
      readonly metrics?: readonly string[];
    } = {},
  ): Promise<{ stage: string | null; metric: string; value: unknown }[]> {
    const query = new URLSearchParams({ includeDuplicates: 'false' });
    for (const stage of options.stages ?? []) query.append('stages', stage);
    for (const metric of options.metrics ?? []) query.append('metrics', metric);
    const body = await this.#request('GET', `${this.#v1(ref)}/metrics`, {
      ...options,
      action: 'metrics read',
      query,
    });
    const list = (body as { slotSubmissionMetrics?: unknown } | null)?.slotSubmissionMetrics;
    if (!Array.isArray(list))
      throw new FormatError('Luco answered without slotSubmissionMetrics', {
        field: 'slotSubmissionMetrics',
      });
    return list;
  }

  /**
   * Submit a quality result (LucoPy's `submit_quality`, the great_expectations-style v1 body).
   *
   * @param ref - the submission
   * @param result - stage, tool, results, dataset, action (`continued` → Luco's `Continued`)
   * @param options - cancellation
   */
  async submitQuality(
    ref: LucoSubmissionRef,
    result: QualityInput,
    options: RecorderCallOptions = {},
  ): Promise<void> {
    for (const key of ['stage', 'tool'] as const) {
      if (typeof result?.[key] !== 'string' || result[key] === '')
        throw new TypeError(`result.${key} must be a non-empty string`);
    }
    await this.#request('POST', `${this.#v1(ref)}/quality`, {
      ...options,
      action: 'quality',
      body: {
        stage: result.stage,
        runId: '',
        tool: result.tool,
        results: resultsText(result.results),
        dataSet: result.dataset ?? null,
        action: ACTION[checkAction(result.action)],
      },
    });
  }

  /**
   * Submit a status (LucoPy's `submit_status`).
   *
   * @param ref - the submission
   * @param status - status, stage, type, message, modifiedBy
   * @param options - cancellation
   */
  async submitStatus(
    ref: LucoSubmissionRef,
    status: StatusInput,
    options: RecorderCallOptions = {},
  ): Promise<void> {
    if (typeof status?.status !== 'string' || status.status === '')
      throw new TypeError('status.status must be a non-empty string');
    await this.#request('POST', `${this.#v1(ref)}/status`, {
      ...options,
      action: 'status',
      body: {
        runId: '',
        status: status.status,
        stage: status.stage ?? null,
        type: status.type ?? null,
        message: status.message ?? null,
        modifiedBy: status.modifiedBy ?? null,
      },
    });
  }

  /**
   * Mark a submission completed: `Completed` at stage `Submission`.
   *
   * @param ref - the submission
   * @param options - cancellation
   */
  submitCompletedStatus(ref: LucoSubmissionRef, options: RecorderCallOptions = {}): Promise<void> {
    return this.submitStatus(ref, { status: 'Completed', stage: 'Submission' }, options);
  }

  /**
   * Submissions and their slots for a slot sequence (LucoPy's `find_submissions_by_slot_sequence`).
   *
   * @param definition - the slot sequence
   * @param options - LucoPy's filters (all true by default) and window
   * @returns the API's answer (`{ slots: [{ slotId, …, submissions: [{ slotSubmissionId, … }] }] }`)
   */
  async findSubmissionsBySlotSequence(
    definition: LucoSequenceDefinition,
    options: LucoFindOptions = {},
  ): Promise<{ slots: { slotId: number; submissions: { slotSubmissionId: number }[] }[] }> {
    const query = new URLSearchParams();
    for (const entry of definitionEntries(definition))
      query.append('SlotSequenceDefinition', JSON.stringify(entry));
    query.set('OnlyLatestSlot', String(options.onlyLatestSlot ?? true));
    query.set('OnlyDeliveredSlots', String(options.onlyDeliveredSlots ?? true));
    query.set('OnlyCompletedSubmissions', String(options.onlyCompletedSubmissions ?? true));
    query.set('OnlyLatestSubmission', String(options.onlyLatestSubmission ?? true));
    if (options.expectedAfter !== undefined)
      query.set('ExpectedAfterUtc', timeText(options.expectedAfter, 'expectedAfter'));
    if (options.expectedBefore !== undefined)
      query.set('ExpectedBeforeUtc', timeText(options.expectedBefore, 'expectedBefore'));
    const body = await this.#request('GET', '/slotsequences/submissions', {
      ...options,
      action: 'submission find',
      query,
    });
    if (!Array.isArray((body as { slots?: unknown } | null)?.slots)) {
      throw new FormatError('Luco answered without slots', { field: 'slots' });
    }
    return body as { slots: { slotId: number; submissions: { slotSubmissionId: number }[] }[] };
  }

  /**
   * The most recently completed submission of a slot sequence (LucoPy's
   * `find_latest_submission_by_slot_sequence`).
   *
   * @param definition - the slot sequence
   * @param options - window; cancellation
   * @returns its ids, or undefined when there is none
   */
  async findLatestSubmissionBySlotSequence(
    definition: LucoSequenceDefinition,
    options: Pick<LucoFindOptions, 'expectedAfter' | 'expectedBefore' | 'signal'> = {},
  ): Promise<LucoSubmissionRef | undefined> {
    const found = await this.findSubmissionsBySlotSequence(definition, options);
    const slot = found.slots[0];
    const submission = slot?.submissions?.[0];
    if (slot === undefined || submission === undefined) return undefined;
    return {
      slotId: numericId(slot, 'slotId', 'submission find'),
      submissionId: numericId(submission, 'slotSubmissionId', 'submission find'),
    };
  }

  /**
   * The submission of the same sequence closest to a submission's slot, shifted by a time
   * difference (LucoPy's `find_submission_in_slot_sequence`).
   *
   * @param ref - the reference submission
   * @param options - onlyCompletedSubmissions, timeDifference, findClosest
   * @returns the API's answer (slot and submission ids, exactness, differences)
   */
  async findSubmissionInSlotSequence(
    ref: LucoSubmissionRef,
    options: LucoSearchOptions = {},
  ): Promise<Record<string, unknown>> {
    const direction = options.findClosest ?? 'historic';
    if (!['historic', 'future', 'either', 'exact'].includes(direction)) {
      throw new RangeError('findClosest must be historic, future, either or exact');
    }
    const query = new URLSearchParams({
      OnlyCompletedSubmissions: String(options.onlyCompletedSubmissions ?? false),
      FindClosest: direction,
    });
    if (options.timeDifference !== undefined)
      query.set('TimeDifference', timeDifference(options.timeDifference));
    const body = await this.#request('GET', `${this.#v1(ref)}/search`, {
      ...options,
      action: 'submission search',
      query,
    });
    if (typeof body !== 'object' || body === null)
      throw new FormatError('Luco answered without a search result');
    return body as Record<string, unknown>;
  }

  /** The safe summary: the URL only. */
  toJSON(): { readonly url: string } {
    return { url: this.url };
  }

  /** One line for logs (no token, no secret). */
  toString(): string {
    return `LucoClient(${this.url})`;
  }

  /** What Node's `util.inspect` shows (no token, no secret). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
