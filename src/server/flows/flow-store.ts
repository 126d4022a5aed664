/**
 * Flow records (collection `flows`, by id) and their unique names (`flow-names`, by name; created
 * first with a conditional create, so two creates of one name never both succeed).
 *
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from '../http/api-error.js';
import { StoreError } from '../storage/errors.js';
import type { RecordStore, StoredRecord } from '../storage/records.js';
import type { FlowRecord, FlowState } from './model.js';

const FLOWS = 'flows';
const NAMES = 'flow-names';
const ATTEMPTS = 32;

/** Flow names: 1–59 lowercase letters, digits or `-` (so the Luco sequence `flow-<name>` fits 64). */
export const FLOW_NAME = /^[a-z0-9-]{1,59}$/;

function conflict(error: unknown): boolean {
  return (
    error instanceof StoreError && (error.code === 'PRECONDITION_FAILED' || error.code === 'KEY_CONFLICT')
  );
}

/** The flows of one server's store. */
export class FlowStore {
  readonly #records: RecordStore;

  /** @param records - the server's records */
  constructor(records: RecordStore) {
    this.#records = records;
  }

  /** A new flow id. */
  static newId(): string {
    return randomBytes(16).toString('hex');
  }

  /**
   * Store a new flow.
   *
   * @throws ApiError 409 `FLOW_EXISTS` when its name is taken
   */
  async create(flow: FlowRecord): Promise<void> {
    try {
      await this.#records.create(NAMES, flow.name, { v: 1, id: flow.id });
    } catch (error) {
      if (conflict(error)) throw new ApiError(409, 'FLOW_EXISTS', `a flow named ${flow.name} exists`);
      throw error;
    }
    await this.#records.create(FLOWS, flow.id, flow);
  }

  /** A flow by id or name. */
  async find(idOrName: string): Promise<StoredRecord<FlowRecord> | undefined> {
    if (/^[0-9a-f]{32}$/.test(idOrName)) {
      const byId = await this.#records.get<FlowRecord>(FLOWS, idOrName);
      if (byId !== undefined) return byId;
    }
    if (!FLOW_NAME.test(idOrName)) return undefined;
    const name = await this.#records.get<{ id: string }>(NAMES, idOrName);
    return name === undefined ? undefined : this.#records.get<FlowRecord>(FLOWS, name.value.id);
  }

  /**
   * A flow by id or name.
   *
   * @throws ApiError 404 `FLOW_NOT_FOUND`
   */
  async require(idOrName: string): Promise<StoredRecord<FlowRecord>> {
    const found = await this.find(idOrName);
    if (found === undefined) throw new ApiError(404, 'FLOW_NOT_FOUND', 'no such flow');
    return found;
  }

  /** Delete a flow and free its name; false when there was none. */
  async delete(flow: FlowRecord): Promise<boolean> {
    const removed = await this.#records.delete(FLOWS, flow.id);
    await this.#records.delete(NAMES, flow.name);
    return removed;
  }

  /**
   * Change a flow's state (re-read and retried when another writer got there first).
   *
   * @param id - the flow id
   * @param change - from the current state to the next
   * @returns the flow after the change, or undefined when it was deleted
   */
  async updateState(id: string, change: (state: FlowState) => FlowState): Promise<FlowRecord | undefined> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.#records.get<FlowRecord>(FLOWS, id);
      if (stored === undefined) return undefined;
      const next: FlowRecord = { ...stored.value, state: change(stored.value.state) };
      try {
        await this.#records.replace(FLOWS, id, next, stored.etag);
        return next;
      } catch (error) {
        if (!conflict(error)) throw error;
      }
    }
    throw new Error('the flow kept changing while its state was updated');
  }

  /** A page of flows in id order. */
  async list(limit: number, start?: string): Promise<{ items: FlowRecord[]; next?: string }> {
    const page = await this.#records.listIds(FLOWS, { limit, ...(start === undefined ? {} : { start }) });
    const items: FlowRecord[] = [];
    for (const id of page.ids) {
      const record = await this.#records.get<FlowRecord>(FLOWS, id);
      if (record !== undefined) items.push(record.value);
    }
    return page.next === undefined ? { items } : { items, next: page.next };
  }

  /** Every flow. */
  async *all(): AsyncIterable<FlowRecord> {
    for await (const record of this.#records.entries<FlowRecord>(FLOWS)) yield record.value;
  }
}
