/**
 * Job workers, started ahead of need: booting a worker and importing the job runtime (the Par
 * model, age, the readers and writers) costs far more than the rest of a short job, so one spare
 * worker per heap limit in use is kept booted and idle, and a job takes it at once (a new spare
 * boots when that job's worker ends, so it never competes with the job for the CPU). Each worker still runs exactly one job and is then ended; a spare holds no
 * job state, and its heap limit is fixed at birth, so it only serves jobs with that limit.
 *
 * @internal
 * @module
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from './worker-spawn.js';

/** Environment variables a worker never gets. */
const SERVER_SECRETS = ['PARKIT_ADMIN_KEY', 'PARKIT_SIGNING_KEY', 'PARKIT_IDENTITY'];

/** The server's environment without its secrets (what each worker gets). */
export function workerEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(process.env))
    if (!SERVER_SECRETS.includes(name)) env[name] = value;
  return env;
}

/** Most heap limits spares are kept for. */
const MAX_SPARE_KINDS = 4;

/** Supplies job workers, warm when it can. */
export class WorkerSupply {
  readonly #typeScript: boolean;
  readonly #env: () => Record<string, string | undefined>;
  readonly #keepSpares: boolean;
  readonly #spares = new Map<number, Worker>();
  #closed = false;

  /**
   * @param typeScript - whether workers load TypeScript
   * @param env - the environment of each worker (server secrets removed)
   * @param keepSpares - keep a booted spare per heap limit in use
   */
  constructor(typeScript: boolean, env: () => Record<string, string | undefined>, keepSpares: boolean) {
    this.#typeScript = typeScript;
    this.#env = env;
    this.#keepSpares = keepSpares;
  }

  #spawn(memoryMb: number): Worker {
    const worker = spawnWorker('job-worker', this.#typeScript, {
      env: this.#env(),
      argv: [],
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: memoryMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.min(64, Math.floor(memoryMb / 8))),
        stackSizeMb: 4,
      },
    });
    return worker;
  }

  #keep(memoryMb: number): void {
    if (this.#closed || !this.#keepSpares || this.#spares.has(memoryMb)) return;
    if (this.#spares.size >= MAX_SPARE_KINDS) {
      const [oldest] = this.#spares;
      if (oldest !== undefined) {
        this.#spares.delete(oldest[0]);
        void oldest[1].terminate();
      }
    }
    const spare = this.#spawn(memoryMb);
    // A spare that dies idle (it should not) is simply forgotten.
    spare.once('exit', () => {
      if (this.#spares.get(memoryMb) === spare) this.#spares.delete(memoryMb);
    });
    spare.unref();
    this.#spares.set(memoryMb, spare);
  }

  /**
   * A worker with this heap limit, waiting for its job (`{ type: 'job', data }`).
   *
   * @param memoryMb - the heap limit
   */
  take(memoryMb: number): Worker {
    const spare = this.#spares.get(memoryMb);
    this.#spares.delete(memoryMb);
    const worker = spare ?? this.#spawn(memoryMb);
    worker.ref();
    worker.removeAllListeners('exit');
    worker.once('exit', () => this.#keep(memoryMb));
    return worker;
  }

  /** Boot a spare for this heap limit now (the service's default, at start). */
  prepare(memoryMb: number): void {
    this.#keep(memoryMb);
  }

  /** End the spares. */
  async close(): Promise<void> {
    this.#closed = true;
    const spares = [...this.#spares.values()];
    this.#spares.clear();
    await Promise.all(spares.map((spare) => spare.terminate()));
  }
}
