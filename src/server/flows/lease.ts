/**
 * The lease that keeps a flow from running twice at once (collection `flow-leases`, one per
 * flow): taken with a conditional create, or by replacing a lapsed one only if it is still the
 * version read; renewed while the run lasts, released when it ends. Replicas sharing a store
 * agree on who holds it.
 *
 * @internal
 * @module
 */
import { StoreError } from '../storage/errors.js';
import type { RecordStore, StoredRecord } from '../storage/records.js';
import type { FlowLease } from './model.js';

const LEASES = 'flow-leases';

function conflict(error: unknown): boolean {
  return (
    error instanceof StoreError && (error.code === 'PRECONDITION_FAILED' || error.code === 'KEY_CONFLICT')
  );
}

/** A lease held by this server. */
export interface HeldLease {
  readonly lease: FlowLease;
  etag: string;
}

/** The flow leases of one server's store. */
export class LeaseStore {
  readonly #records: RecordStore;

  /** @param records - the server's records */
  constructor(records: RecordStore) {
    this.#records = records;
  }

  /** A flow's lease, if any. */
  get(flow: string): Promise<StoredRecord<FlowLease> | undefined> {
    return this.#records.get<FlowLease>(LEASES, flow);
  }

  /**
   * Take a flow's lease for a run.
   *
   * @param lease - the lease wanted
   * @param now - the server clock, epoch ms
   * @returns the held lease; undefined while another run holds an unlapsed one
   */
  async take(lease: FlowLease, now: number): Promise<{ held?: HeldLease; lapsed?: FlowLease }> {
    const current = await this.get(lease.flow);
    try {
      if (current === undefined) {
        const created = await this.#records.create(LEASES, lease.flow, lease);
        return { held: { lease, etag: created.etag } };
      }
      if (current.value.expires > now) return {};
      const replaced = await this.#records.replace(LEASES, lease.flow, lease, current.etag);
      return { held: { lease, etag: replaced.etag }, lapsed: current.value };
    } catch (error) {
      if (conflict(error)) return {};
      throw error;
    }
  }

  /**
   * Extend a held lease.
   *
   * @returns false when it was lost (another server took it after it lapsed)
   */
  async renew(held: HeldLease, expires: number): Promise<boolean> {
    try {
      const written = await this.#records.replace(
        LEASES,
        held.lease.flow,
        { ...held.lease, expires },
        held.etag,
      );
      held.etag = written.etag;
      return true;
    } catch (error) {
      if (conflict(error)) return false;
      throw error;
    }
  }

  /** Give a held lease back (nothing happens when it was lost). */
  async release(held: HeldLease): Promise<void> {
    await this.#records.delete(LEASES, held.lease.flow, { etag: held.etag }).catch((error) => {
      if (!conflict(error)) throw error;
    });
  }

  /** Every lease. */
  async *all(): AsyncIterable<StoredRecord<FlowLease>> {
    yield* this.#records.entries<FlowLease>(LEASES);
  }

  /**
   * Remove a lapsed lease, only if it is still the version read.
   *
   * @returns false when it changed meanwhile
   */
  async clear(stored: StoredRecord<FlowLease>): Promise<boolean> {
    try {
      return await this.#records.delete(LEASES, stored.id, { etag: stored.etag });
    } catch (error) {
      if (conflict(error)) return false;
      throw error;
    }
  }
}
