/**
 * A job this server instance runs (or queues): its latest record in memory, written to the store
 * in order — state changes at once, progress and object versions at most every `flushMs` — its
 * log, and the waiters for its next change.
 *
 * @internal
 * @module
 */
import type { ExecutionGrant } from './execution-grant.js';
import type { JobExecution } from './job-execution.js';
import { isFinal, type JobRecord, type ObjectVersion } from './job-record.js';
import type { JobLogLine, JobStore } from './job-store.js';
import type { AbortReason } from './worker-protocol.js';

/** Most log lines kept per job. */
export const MAX_LOG_LINES = 1000;
/** Most object versions recorded per job, for inputs and for outputs each. */
export const MAX_OBJECT_VERSIONS = 1000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The in-memory state of a local job. */
export class LocalJob {
  #record: JobRecord;
  readonly grant: ExecutionGrant;
  /** Strings scrubbed from what the job says (its tokens and identity). */
  readonly secrets: string[] = [];
  execution: JobExecution | undefined;
  /** A stop (or shutdown) asked for before the worker existed. */
  abortWanted: AbortReason | undefined;
  readonly #store: JobStore;
  readonly #flushMs: number;
  readonly #logs: JobLogLine[] = [];
  #dropped = 0;
  #logsChanged = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<void> = Promise.resolve();
  readonly #waiters = new Set<() => void>();
  readonly #seen = new Set<string>();

  /**
   * @param record - the job's first record (already stored)
   * @param grant - the executable Par's grant
   * @param store - where to write
   * @param flushMs - longest delay of a progress write
   */
  constructor(record: JobRecord, grant: ExecutionGrant, store: JobStore, flushMs: number) {
    this.#record = record;
    this.grant = grant;
    this.#store = store;
    this.#flushMs = flushMs;
  }

  /** The latest record. */
  get record(): JobRecord {
    return this.#record;
  }

  /** The log so far. */
  logs(): { lines: readonly JobLogLine[]; dropped: number } {
    return { lines: [...this.#logs], dropped: this.#dropped };
  }

  /**
   * Change the record. `now` writes it (and resolves once written); `soon` within `flushMs`.
   *
   * @param change - the fields to change (the version grows by one)
   * @param when - when to write
   */
  update(change: Partial<Omit<JobRecord, 'v' | 'id' | 'version'>>, when: 'now' | 'soon'): Promise<void> {
    const next = { ...this.#record, ...change, version: this.#record.version + 1 } as Mutable<JobRecord>;
    this.#record = next;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
    if (when === 'soon' && !isFinal(next.state)) {
      this.#timer ??= setTimeout(() => void this.#flush(), this.#flushMs);
      return Promise.resolve();
    }
    return this.#flush();
  }

  #flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#chain = this.#chain.then(async () => {
      await this.#store.save(this.#record);
      if (this.#logsChanged) {
        this.#logsChanged = false;
        await this.#store.saveLogs(this.#record.id, { v: 1, lines: [...this.#logs], dropped: this.#dropped });
      }
    });
    // A failed write is retried by the next one; the final write's failure reaches its caller.
    const written = this.#chain;
    this.#chain = this.#chain.catch(() => {});
    return written;
  }

  /**
   * Note an object version read or written (each version once, up to the limit).
   *
   * @param kind - inputs or outputs
   * @param object - the version
   */
  note(kind: 'inputs' | 'outputs', object: ObjectVersion): void {
    const id = `${kind} ${object.grant} ${object.key} ${object.etag}`;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    const list = this.#record[kind];
    if (list.length >= MAX_OBJECT_VERSIONS) {
      const omitted = { inputs: 0, outputs: 0, ...this.#record.omitted };
      omitted[kind]++;
      void this.update({ omitted }, 'soon');
      return;
    }
    void this.update({ [kind]: [...list, object] }, 'soon');
  }

  /**
   * Add a log line (already scrubbed).
   *
   * @param line - the line
   */
  log(line: JobLogLine): void {
    if (this.#logs.length >= MAX_LOG_LINES) this.#dropped++;
    else this.#logs.push(line);
    this.#logsChanged = true;
    this.#timer ??= setTimeout(() => void this.#flush(), this.#flushMs);
  }

  /**
   * Resolve at the next change after `version`, or after `ms`, or when `signal` aborts.
   *
   * @param version - the version the caller has seen
   * @param ms - longest wait
   * @param signal - ends the wait early
   */
  changed(version: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#record.version > version || isFinal(this.#record.state) || ms <= 0) return Promise.resolve();
    return new Promise((done) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.#waiters.delete(finish);
        done();
      };
      const timer = setTimeout(finish, ms);
      signal?.addEventListener('abort', finish, { once: true });
      this.#waiters.add(finish);
    });
  }
}
