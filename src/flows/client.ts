/**
 * `ParkitFlows`: the typed client of the parkit server's flows API (AERO on parkit): register
 * flows over tracked data, run them, and query data versions, provenance and lineage.
 * Web-standard (`fetch`), so it runs wherever the core runs. The admin key is held privately
 * and never appears in messages, `toString`, JSON or `inspect` output.
 *
 * @module
 */
import type { AdminCallOptions } from '../issuers/parkit-admin.js';
import type { Page } from '../observe/observer.js';
import { checkServiceUrl } from '../observe/time-input.js';
import { FormatError } from '../par/errors.js';
import { type AdminEndpoint, adminCall, adminEndpoint } from '../remote/admin-call.js';
import { dataIdOf, flowBody, positiveInteger } from './definition.js';
import type {
  DataRef,
  DataVersion,
  Flow,
  FlowDefinition,
  FlowRun,
  Lineage,
  LineageDirection,
  TrackedData,
} from './model.js';
import { parseData, parseFlow, parseLineage, parsePage, parseRun, parseVersion } from './parse.js';

/** How to reach a parkit server's flows API. */
export interface ParkitFlowsOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The admin key (from the server's `admin.key`, or `PARKIT_ADMIN_KEY`). */
  readonly adminKey: string;
  /** The fetch to use (defaults to the global one). */
  readonly fetch?: typeof fetch;
  /** Milliseconds before one request is abandoned (default 30 000). */
  readonly timeout?: number;
}

/** Paging options of the listings. */
export interface FlowPageOptions extends AdminCallOptions {
  /** Most items on the page (1–1000, default 15). */
  readonly limit?: number;
  /** `next` of the previous page. */
  readonly cursor?: string;
}

/** Options of {@link ParkitFlows.listProvenance}. */
export interface ProvenanceOptions extends FlowPageOptions {
  /** Only this flow's runs (its id or name). */
  readonly flow?: string | Flow;
}

/** Options of {@link ParkitFlows.lineage}. */
export interface LineageOptions extends AdminCallOptions {
  /** Which version (default: the latest). */
  readonly version?: number;
  /** `upstream` (default): what produced it; `downstream`: what it fed. */
  readonly direction?: LineageDirection;
  /** How many runs deep to walk (1–16, default 8). */
  readonly depth?: number;
}

function flowReference(flow: string | Flow): string {
  const reference = typeof flow === 'object' && flow !== null ? flow.id : flow;
  if (typeof reference !== 'string' || reference === '')
    throw new TypeError('flow must be a flow, its id or its name');
  return reference;
}

function flowPath(flow: string | Flow): string {
  return `flows/${encodeURIComponent(flowReference(flow))}`;
}

function query(entries: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function pageQuery(options: FlowPageOptions, extra: Record<string, string | undefined> = {}): string {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { limit, cursor } = options;
  if (limit !== undefined && positiveInteger(limit, 'limit') > 1000)
    throw new RangeError('limit must be at most 1000');
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor === ''))
    throw new TypeError('cursor must be the next of a previous page');
  return query({ ...extra, limit, cursor });
}

/**
 * The flows client of a parkit server.
 *
 * @example
 * ```ts
 * const flows = new ParkitFlows({ url: 'http://127.0.0.1:8080', adminKey });
 * await flows.createFlow({
 *   name: 'q3-checksums',
 *   calculation: 'checksumReport',
 *   inputs: { data: { bucket: 'reports', prefix: 'q3/' } },
 *   outputs: { reports: { bucket: 'reports', prefix: 'checks/' } },
 *   policy: 'any',
 * });
 * const run = await flows.runFlow('q3-checksums');
 * const upstream = await flows.lineage('reports/checks/checksums.json');
 * for await (const record of flows.allProvenance({ flow: 'q3-checksums' })) console.log(record.state);
 * ```
 */
export class ParkitFlows {
  /** The server's base URL. */
  readonly url: string;
  readonly #endpoint: AdminEndpoint;

  /**
   * @param options - server URL, admin key, transport
   * @throws TypeError for a bad URL or a missing key; RangeError for a bad timeout
   */
  constructor(options: ParkitFlowsOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.url = checkServiceUrl(options.url, 'url', true);
    this.#endpoint = adminEndpoint(this.url, options);
  }

  #call(method: string, path: string, body: unknown, options: AdminCallOptions | undefined) {
    return adminCall(this.#endpoint, method, path, body, options?.signal);
  }

  async #page<T>(path: string, options: AdminCallOptions, item: (entry: unknown) => T): Promise<Page<T>> {
    return parsePage(await this.#call('GET', path, undefined, options), item);
  }

  /** Every item of a listing, page after page (the options checked before the first request). */
  #all<T>(
    options: FlowPageOptions,
    page: (options: FlowPageOptions) => Promise<Page<T>>,
  ): AsyncGenerator<T, void, undefined> {
    pageQuery(options);
    return (async function* () {
      let cursor = options.cursor;
      do {
        const next = await page({ ...options, ...(cursor === undefined ? {} : { cursor }) });
        yield* next.items;
        cursor = next.next;
      } while (cursor !== undefined);
    })();
  }

  /**
   * Register a flow. Everything is checked before the request; the server then checks the
   * calculation, buckets and versions exist.
   *
   * @param definition - name, calculation, inputs, outputs, policy…
   * @param options - cancellation
   * @returns the flow as stored
   * @throws TypeError / RangeError for a malformed definition (nothing is sent);
   *   NotFoundError (`CALCULATION_NOT_FOUND`, `BUCKET_NOT_FOUND`); ConflictError (`FLOW_EXISTS`);
   *   RemoteServiceError (`INVALID_FLOW`)
   */
  async createFlow(definition: FlowDefinition, options: AdminCallOptions = {}): Promise<Flow> {
    return parseFlow(await this.#call('POST', 'flows', flowBody(definition), options));
  }

  /**
   * One flow.
   *
   * @param flow - its id or name (or the flow, to read it again)
   * @param options - cancellation
   * @throws NotFoundError (`FLOW_NOT_FOUND`)
   */
  async getFlow(flow: string | Flow, options: AdminCallOptions = {}): Promise<Flow> {
    return parseFlow(await this.#call('GET', flowPath(flow), undefined, options));
  }

  /**
   * A page of flows.
   *
   * @param options - limit, cursor, cancellation
   */
  async listFlows(options: FlowPageOptions = {}): Promise<Page<Flow>> {
    return this.#page(`flows${pageQuery(options)}`, options, parseFlow);
  }

  /**
   * Every flow, fetched page by page.
   *
   * @param options - page size (`limit`), a cursor to start from, cancellation
   */
  allFlows(options: FlowPageOptions = {}): AsyncGenerator<Flow, void, undefined> {
    return this.#all(options, (page) => this.listFlows(page));
  }

  /**
   * Delete a flow. Its runs stay, as provenance.
   *
   * @param flow - the flow, its id or name
   * @param options - cancellation
   * @throws NotFoundError (`FLOW_NOT_FOUND`)
   */
  async deleteFlow(flow: string | Flow, options: AdminCallOptions = {}): Promise<void> {
    await this.#call('DELETE', flowPath(flow), undefined, options);
  }

  /**
   * Start a run now (trigger `manual`). It runs on the server; follow it with
   * {@link ParkitFlows.getProvenance}.
   *
   * @param flow - the flow, its id or name
   * @param options - cancellation
   * @returns the run record, `running`
   * @throws NotFoundError (`FLOW_NOT_FOUND`); ConflictError (`FLOW_RUNNING`)
   */
  async runFlow(flow: string | Flow, options: AdminCallOptions = {}): Promise<FlowRun> {
    return parseRun(await this.#call('POST', `${flowPath(flow)}/run`, undefined, options));
  }

  /**
   * A page of one flow's runs, newest first.
   *
   * @param flow - the flow, its id or name
   * @param options - limit, cursor, cancellation
   * @throws NotFoundError (`FLOW_NOT_FOUND`)
   */
  async listRuns(flow: string | Flow, options: FlowPageOptions = {}): Promise<Page<FlowRun>> {
    return this.#page(`${flowPath(flow)}/runs${pageQuery(options)}`, options, parseRun);
  }

  /**
   * Every run of one flow, newest first, fetched page by page.
   *
   * @param flow - the flow, its id or name
   * @param options - page size, cursor, cancellation
   */
  allRuns(flow: string | Flow, options: FlowPageOptions = {}): AsyncGenerator<FlowRun, void, undefined> {
    const reference = flowReference(flow);
    return this.#all(options, (page) => this.listRuns(reference, page));
  }

  /**
   * A page of tracked data, each with its latest version.
   *
   * @param options - limit, cursor, cancellation
   */
  async listData(options: FlowPageOptions = {}): Promise<Page<TrackedData>> {
    return this.#page(`data${pageQuery(options)}`, options, parseData);
  }

  /**
   * Every tracked data, fetched page by page.
   *
   * @param options - page size, cursor, cancellation
   */
  allData(options: FlowPageOptions = {}): AsyncGenerator<TrackedData, void, undefined> {
    return this.#all(options, (page) => this.listData(page));
  }

  /**
   * A page of one data's versions, newest first.
   *
   * @param data - its id (`bucket/key`, `bucket/prefix*`) or `{ bucket, key | prefix }`
   * @param options - limit, cursor, cancellation
   * @throws NotFoundError (`DATA_NOT_FOUND`)
   */
  async listVersions(data: string | DataRef, options: FlowPageOptions = {}): Promise<Page<DataVersion>> {
    const path = `data/${encodeURIComponent(dataIdOf(data, 'data'))}/versions${pageQuery(options)}`;
    return this.#page(path, options, parseVersion);
  }

  /**
   * Every version of one data, newest first, fetched page by page.
   *
   * @param data - its id or `{ bucket, key | prefix }`
   * @param options - page size, cursor, cancellation
   */
  allVersions(
    data: string | DataRef,
    options: FlowPageOptions = {},
  ): AsyncGenerator<DataVersion, void, undefined> {
    const id = dataIdOf(data, 'data');
    return this.#all(options, (page) => this.listVersions(id, page));
  }

  /**
   * A page of provenance records (runs across flows, or one flow's), newest first.
   *
   * @param options - `flow`, limit, cursor, cancellation
   */
  async listProvenance(options: ProvenanceOptions = {}): Promise<Page<FlowRun>> {
    const flow = options.flow === undefined ? undefined : flowReference(options.flow);
    return this.#page(`provenance${pageQuery(options, { flow })}`, options, parseRun);
  }

  /**
   * Every provenance record, newest first, fetched page by page.
   *
   * @param options - `flow`, page size, cursor, cancellation
   */
  allProvenance(options: ProvenanceOptions = {}): AsyncGenerator<FlowRun, void, undefined> {
    if (options.flow !== undefined) flowReference(options.flow);
    return this.#all(options, (page) => this.listProvenance(page));
  }

  /**
   * One run's provenance record.
   *
   * @param run - the run's id
   * @param options - cancellation
   * @throws NotFoundError (`RUN_NOT_FOUND`)
   */
  async getProvenance(run: string, options: AdminCallOptions = {}): Promise<FlowRun> {
    if (typeof run !== 'string' || run === '') throw new TypeError('run must be a run id');
    return parseRun(await this.#call('GET', `provenance/${encodeURIComponent(run)}`, undefined, options));
  }

  /**
   * The lineage of a data version: upstream, the runs that wrote it and their inputs,
   * recursively; downstream, the runs that read it and what they wrote.
   *
   * @param data - its id or `{ bucket, key | prefix }`
   * @param options - version (default latest), direction (default upstream), depth (1–16, default 8), cancellation
   * @throws NotFoundError (`DATA_NOT_FOUND`)
   */
  async lineage(data: string | DataRef, options: LineageOptions = {}): Promise<Lineage> {
    const id = dataIdOf(data, 'data');
    if (typeof options !== 'object' || options === null)
      throw new TypeError('options must be { direction?, version?, depth? }');
    const { version, direction = 'upstream', depth } = options;
    if (direction !== 'upstream' && direction !== 'downstream')
      throw new RangeError('direction must be upstream or downstream');
    if (version !== undefined) positiveInteger(version, 'version');
    if (depth !== undefined && positiveInteger(depth, 'depth') > 16)
      throw new RangeError('depth must be at most 16');
    const path = `lineage${query({ data: id, version, direction, depth })}`;
    return parseLineage(await this.#call('GET', path, undefined, options));
  }

  /**
   * The server's flow recipient: seal Pars an ingestion flow fetches through to it.
   *
   * @param options - cancellation
   * @returns an `age1…` recipient
   */
  async flowRecipient(options: AdminCallOptions = {}): Promise<string> {
    const body = (await this.#call('GET', 'flow-recipient', undefined, options)) as { recipient?: unknown };
    if (typeof body?.recipient !== 'string' || !body.recipient.startsWith('age1'))
      throw new FormatError('the parkit server sent a malformed recipient', { field: 'recipient' });
    return body.recipient;
  }

  /** The safe summary: the URL only. */
  toJSON(): { readonly url: string } {
    return { url: this.url };
  }

  /** One line for logs (no key). */
  toString(): string {
    return `ParkitFlows(${this.url})`;
  }

  /** What Node's `util.inspect` shows (no key). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
