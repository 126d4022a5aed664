/**
 * Running one job in its own worker thread, never on the server's event loop: a heap limit
 * (`resourceLimits`), a time limit, and ending on request — the abort signal first, then, after
 * the grace period, the worker is terminated (which also ends a synchronous infinite loop). A
 * worker that throws, runs out of memory or exits is reported, and the server carries on.
 *
 * @internal
 * @module
 */
import type { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import type { JobFailureReason } from '../../par/errors.js';
import type { JobState } from './job-record.js';
import type {
  AbortReason,
  JobWorkerData,
  ProgressMessage,
  SeenObject,
  WorkerMessage,
} from './worker-protocol.js';
import type { WorkerSupply } from './worker-supply.js';

/** How a run ended. */
export type ExecutionOutcome =
  | { readonly state: 'succeeded'; readonly result: unknown }
  | {
      readonly state: Exclude<JobState, 'queued' | 'running' | 'succeeded'>;
      readonly reason: JobFailureReason;
      readonly message: string;
    };

/** What the run reports while it goes. */
export interface ExecutionHooks {
  progress(progress: ProgressMessage): void;
  log(stream: 'log' | 'stdout' | 'stderr', text: string): void;
  read(object: SeenObject): void;
  wrote(object: SeenObject): void;
}

/** How to run. */
export interface ExecutionSpec {
  readonly workerData: JobWorkerData;
  /** Where the worker comes from. */
  readonly workers: WorkerSupply;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** How long a job asked to end may take before it is killed, in ms. */
  readonly graceMs: number;
}

const ABORTED: Record<
  AbortReason,
  { state: 'stopped' | 'timed-out' | 'failed'; reason: JobFailureReason; message: string }
> = {
  stopped: { state: 'stopped', reason: 'stopped', message: 'the job was stopped' },
  'timed-out': { state: 'timed-out', reason: 'timed-out', message: 'the job ran out of time' },
  interrupted: {
    state: 'failed',
    reason: 'interrupted',
    message: 'the server shut down before the job finished',
  },
};

function lines(stream: Readable | null, each: (line: string) => void): void {
  if (stream === null) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      each(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
    if (buffered.length > 8192) {
      each(buffered);
      buffered = '';
    }
  });
  stream.on('end', () => {
    if (buffered !== '') each(buffered);
  });
}

/** One job running in a worker. */
export class JobExecution {
  /** Settles once the worker is gone, with how the job ended. */
  readonly done: Promise<ExecutionOutcome>;
  readonly #worker: Worker;
  readonly #graceMs: number;
  readonly #timeoutMs: number;
  #outcome: ExecutionOutcome | undefined;
  #aborting: AbortReason | undefined;
  #killTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #timeout: ReturnType<typeof setTimeout>;

  /**
   * Start the worker.
   *
   * @param spec - what to run and its limits
   * @param hooks - receive progress, logs and object versions
   */
  constructor(spec: ExecutionSpec, hooks: ExecutionHooks) {
    this.#graceMs = spec.graceMs;
    this.#timeoutMs = spec.timeoutMs;
    this.#worker = spec.workers.take(spec.memoryMb);
    this.#worker.postMessage({ type: 'job', data: spec.workerData });
    lines(this.#worker.stdout, (line) => hooks.log('stdout', line));
    lines(this.#worker.stderr, (line) => hooks.log('stderr', line));
    this.#timeout = setTimeout(() => this.abort('timed-out'), spec.timeoutMs);
    this.done = new Promise((settle) => {
      this.#worker.on('message', (message: WorkerMessage) => this.#receive(message, hooks));
      this.#worker.on('error', (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY')
          this.#settle({
            state: 'failed',
            reason: 'out-of-memory',
            message: `the job ran out of memory (its limit is ${spec.memoryMb} MiB)`,
          });
        else this.#settle({ state: 'failed', reason: 'failed', message: error.message || 'the job failed' });
      });
      this.#worker.on('exit', (code) => {
        clearTimeout(this.#timeout);
        if (this.#killTimer !== undefined) clearTimeout(this.#killTimer);
        this.#settle({
          state: 'failed',
          reason: 'crashed',
          message: `the job's worker exited (code ${code}) before the calculation finished`,
        });
        settle(this.#outcome as ExecutionOutcome);
      });
    });
  }

  #receive(message: WorkerMessage, hooks: ExecutionHooks): void {
    switch (message?.type) {
      case 'progress':
        hooks.progress(message.progress);
        break;
      case 'log':
        hooks.log('log', message.text);
        break;
      case 'read':
        hooks.read(message.object);
        break;
      case 'wrote':
        hooks.wrote(message.object);
        break;
      case 'done':
        this.#settle({ state: 'succeeded', result: JSON.parse(message.result) as unknown });
        break;
      case 'failed':
        this.#settle({ state: 'failed', reason: 'failed', message: message.message });
        break;
    }
  }

  // The first way the job ends wins; a job asked to end ends that way, whatever it answers.
  #settle(outcome: ExecutionOutcome): void {
    if (this.#outcome !== undefined) return;
    if (this.#aborting !== undefined && outcome.state !== 'failed') {
      this.#outcome = this.#abortOutcome(this.#aborting);
    } else if (this.#aborting !== undefined && outcome.state === 'failed' && outcome.reason === 'failed') {
      this.#outcome = this.#abortOutcome(this.#aborting);
    } else this.#outcome = outcome;
    clearTimeout(this.#timeout);
    // Whatever it left running (timers, sockets) ends with the worker.
    void this.#worker.terminate();
  }

  #abortOutcome(reason: AbortReason): ExecutionOutcome {
    const outcome = ABORTED[reason];
    return reason === 'timed-out'
      ? { ...outcome, message: `the job ran out of time (its limit is ${this.#timeoutMs} ms)` }
      : outcome;
  }

  /**
   * Ask the job to end: its abort signal fires now, and the worker is killed if it has not ended
   * after the grace period. The first reason given wins.
   *
   * @param reason - why
   */
  abort(reason: AbortReason): void {
    if (this.#aborting !== undefined || this.#outcome !== undefined) return;
    this.#aborting = reason;
    clearTimeout(this.#timeout);
    this.#worker.postMessage({ type: 'abort', reason });
    this.#killTimer = setTimeout(() => {
      this.#settle(this.#abortOutcome(reason));
    }, this.#graceMs);
  }

  /** Kill the worker now (no grace). */
  kill(reason: AbortReason): void {
    if (this.#outcome !== undefined) return;
    this.#aborting ??= reason;
    this.#settle(this.#abortOutcome(this.#aborting));
  }
}
