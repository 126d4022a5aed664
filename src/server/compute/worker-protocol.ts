/**
 * The messages between the compute service and a job's worker. The worker gets its arguments,
 * its module, and one internal bucket Par per grant (sealed to an identity made for this job
 * alone); it never gets the data directory or a server key.
 *
 * @internal
 * @module
 */
import type { ParData } from '../../par/data.js';

/** What a job's worker is started with. */
export interface JobWorkerData {
  readonly jobId: string;
  /** `file:` URL of the functions module. */
  readonly moduleUrl: string;
  /** The calculation (the module's exported function). */
  readonly exportName: string;
  readonly arguments: Record<string, unknown>;
  /** The age identity the grant Pars are sealed to (made for this job; a secret). */
  readonly identity: string;
  readonly inputs: Readonly<Record<string, ParData>>;
  readonly outputs: Readonly<Record<string, ParData>>;
}

/** A progress report as it crosses to the service. */
export interface ProgressMessage {
  readonly fraction?: number;
  readonly done?: number;
  readonly total?: number;
  readonly message?: string;
}

/** An object version as the worker saw it in a response. */
export interface SeenObject {
  readonly grant: string;
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly sha256?: string;
  readonly size?: number;
}

/** From the worker. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: ProgressMessage }
  | { readonly type: 'log'; readonly text: string }
  | { readonly type: 'read'; readonly object: SeenObject }
  | { readonly type: 'wrote'; readonly object: SeenObject }
  | { readonly type: 'done'; readonly result: string }
  | { readonly type: 'failed'; readonly message: string };

/** Why the service asks a job to end. */
export type AbortReason = 'stopped' | 'timed-out' | 'interrupted';

/** To the worker: its job (a spare gets it this way), or the request to end. */
export type HostMessage =
  | { readonly type: 'job'; readonly data: JobWorkerData }
  | { readonly type: 'abort'; readonly reason: AbortReason };

/** Largest result, in bytes of JSON. */
export const MAX_RESULT_BYTES = 256 * 1024;
