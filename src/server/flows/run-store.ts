/**
 * Run (provenance) records (collection `flow-runs`) and their indexes: by flow
 * (`flow-runs-of/{flow}.{run}`), by data version written (`data-writers/{data}.{version}.{run}`)
 * and read (`data-readers/{data}.{version}.{run}`). Run ids sort newest first: they start with
 * the complement of a store-wide counter taken with a conditional replace.
 *
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { StoreError } from '../storage/errors.js';
import type { RecordStore } from '../storage/records.js';
import { dataRecordId, type RunRecord } from './model.js';

const RUNS = 'flow-runs';
const BY_FLOW = 'flow-runs-of';
const WRITERS = 'data-writers';
const READERS = 'data-readers';
const COUNTER = 'flow-counters';
const TOP = 10 ** 12;

const versionKey = (data: string, version: number) =>
  `${dataRecordId(data)}.${String(version).padStart(9, '0')}.`;

function conflict(error: unknown): boolean {
  return (
    error instanceof StoreError && (error.code === 'PRECONDITION_FAILED' || error.code === 'KEY_CONFLICT')
  );
}

/** The runs of one server's store. */
export class RunStore {
  readonly #records: RecordStore;

  /** @param records - the server's records */
  constructor(records: RecordStore) {
    this.#records = records;
  }

  /** A new run id, sorting before every earlier one. */
  async newId(): Promise<string> {
    for (;;) {
      const stored = await this.#records.get<{ n: number }>(COUNTER, 'runs');
      const n = (stored?.value.n ?? 0) + 1;
      try {
        if (stored === undefined) await this.#records.create(COUNTER, 'runs', { n });
        else await this.#records.replace(COUNTER, 'runs', { n }, stored.etag);
        return `${String(TOP - n).padStart(12, '0')}${randomBytes(4).toString('hex')}`;
      } catch (error) {
        if (!conflict(error)) throw error;
      }
    }
  }

  /** Store a new run (and index it by flow). */
  async create(run: RunRecord): Promise<void> {
    await this.#records.create(RUNS, run.id, run);
    await this.#records.put(BY_FLOW, `${run.flow}.${run.id}`, { v: 1 });
  }

  /** Write a run's record again, and index what it read and wrote. */
  async save(run: RunRecord): Promise<void> {
    // Indexes first: whoever reads the record (say, `succeeded`) finds its lineage complete.
    for (const read of run.inputs)
      await this.#records.put(READERS, versionKey(read.data, read.version) + run.id, { v: 1 });
    for (const wrote of run.outputs)
      await this.#records.put(WRITERS, versionKey(wrote.data, wrote.version) + run.id, { v: 1 });
    await this.#records.put(RUNS, run.id, run);
  }

  /** One run, or undefined. */
  async get(id: string): Promise<RunRecord | undefined> {
    if (!/^[0-9a-f]{20}$/.test(id)) return undefined;
    return (await this.#records.get<RunRecord>(RUNS, id))?.value;
  }

  /**
   * A page of runs, newest first (one flow's, or every flow's).
   *
   * @param flow - only this flow's runs
   * @param limit - most runs
   * @param start - resume at this run id
   */
  async list(
    flow: string | undefined,
    limit: number,
    start?: string,
  ): Promise<{ items: RunRecord[]; next?: string }> {
    const items: RunRecord[] = [];
    if (flow === undefined) {
      const page = await this.#records.listIds(RUNS, { limit, ...(start === undefined ? {} : { start }) });
      for (const id of page.ids) {
        const run = await this.get(id);
        if (run !== undefined) items.push(run);
      }
      return page.next === undefined ? { items } : { items, next: page.next };
    }
    const base = `${flow}.`;
    const page = await this.#records.listIds(BY_FLOW, {
      prefix: base,
      limit,
      ...(start === undefined ? {} : { start: base + start }),
    });
    for (const id of page.ids) {
      const run = await this.get(id.slice(base.length));
      if (run !== undefined) items.push(run);
    }
    return page.next === undefined ? { items } : { items, next: page.next.slice(base.length) };
  }

  /** The runs that wrote a data version. */
  writers(data: string, version: number): Promise<RunRecord[]> {
    return this.#indexed(WRITERS, data, version);
  }

  /** The runs that read a data version. */
  readers(data: string, version: number): Promise<RunRecord[]> {
    return this.#indexed(READERS, data, version);
  }

  async #indexed(collection: string, data: string, version: number): Promise<RunRecord[]> {
    const base = versionKey(data, version);
    const runs: RunRecord[] = [];
    const page = await this.#records.listIds(collection, { prefix: base, limit: 1000 });
    for (const id of page.ids) {
      const run = await this.get(id.slice(base.length));
      if (run !== undefined) runs.push(run);
    }
    return runs;
  }
}
