/**
 * Inside a job's worker: the {@link CalculationContext} the calculation receives. Each grant is
 * an internal bucket Par of the server, opened with the job's own identity, so every read and
 * write goes through the server's access API and its checks (prefix, permission, expiry,
 * revocation). A wrapper around `fetch` notes the object versions read and written.
 *
 * @internal
 * @module
 */
import type { BucketReader } from '../../access/bucket-reader.js';
import type { BucketWriter } from '../../access/bucket-writer.js';
import { Par } from '../../par/par.js';
import type { CalculationContext, ProgressReport } from './calculation.js';
import type { JobWorkerData, ProgressMessage, SeenObject, WorkerMessage } from './worker-protocol.js';

/** Progress reports leave the worker at most this often, in ms. */
const PROGRESS_INTERVAL_MS = 100;
const MAX_MESSAGE = 200;
const MAX_LOG_LINE = 2000;

function objectKey(url: string): { bucket: string; key: string } | undefined {
  // /p/{token}/n/{namespace}/b/{bucket}/o/{object…}
  const match = /\/p\/[^/]+\/n\/[^/]+\/b\/([^/]+)\/o\/(.+)$/.exec(new URL(url).pathname);
  if (match === null) return undefined;
  return {
    bucket: decodeURIComponent(match[1] as string),
    key: (match[2] as string).split('/').map(decodeURIComponent).join('/'),
  };
}

function seen(
  grant: string,
  where: { bucket: string; key: string },
  response: Response,
): SeenObject | undefined {
  const etag = response.headers.get('etag')?.replace(/^W\//, '').replace(/^"|"$/g, '');
  if (etag === undefined || etag === '') return undefined;
  const sha256 = response.headers.get('x-checksum-sha256') ?? undefined;
  const range = response.headers.get('content-range');
  const length = range === null ? response.headers.get('content-length') : /\/(\d+)$/.exec(range)?.[1];
  return {
    grant,
    ...where,
    etag,
    ...(sha256 === undefined ? {} : { sha256 }),
    ...(length === null || length === undefined ? {} : { size: Number(length) }),
  };
}

function trackingFetch(grant: string, post: (message: WorkerMessage) => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (response.ok && (method === 'GET' || method === 'PUT')) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const where = objectKey(url);
      const object = where === undefined ? undefined : seen(grant, where, response);
      if (object !== undefined) post({ type: method === 'GET' ? 'read' : 'wrote', object });
    }
    return response;
  };
}

function checkedProgress(report: ProgressReport): ProgressMessage {
  if (typeof report !== 'object' || report === null)
    throw new TypeError('progress takes { fraction?, done?, total?, message? }');
  const finite = (value: unknown, name: string) => {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0))
      throw new RangeError(`progress ${name} must be a non-negative number`);
    return value as number | undefined;
  };
  const done = finite(report.done, 'done');
  const total = finite(report.total, 'total');
  let fraction = finite(report.fraction, 'fraction');
  if (fraction === undefined && done !== undefined && total !== undefined && total > 0)
    fraction = done / total;
  return {
    ...(fraction === undefined ? {} : { fraction: Math.min(1, fraction) }),
    ...(done === undefined ? {} : { done }),
    ...(total === undefined ? {} : { total }),
    ...(typeof report.message === 'string' ? { message: report.message.slice(0, MAX_MESSAGE) } : {}),
  };
}

/** A context and the means to flush what it holds back. */
export interface JobContextHandle {
  readonly context: CalculationContext;
  /** Send the last progress report now, if one is waiting. */
  flush(): void;
}

/**
 * Build the context of a job.
 *
 * @param data - what the worker was started with
 * @param signal - aborted when the service asks the job to end
 * @param post - sends a message to the service
 */
export async function createJobContext(
  data: JobWorkerData,
  signal: AbortSignal,
  post: (message: WorkerMessage) => void,
): Promise<JobContextHandle> {
  const inputs: Record<string, BucketReader> = {};
  const outputs: Record<string, BucketWriter> = {};
  for (const [name, parData] of Object.entries(data.inputs)) {
    const par = Par.fromData(parData);
    inputs[name] = (await par.read(data.identity, {
      fetch: trackingFetch(name, post),
      buffer: 0,
    })) as BucketReader;
  }
  for (const [name, parData] of Object.entries(data.outputs)) {
    const par = Par.fromData(parData);
    outputs[name] = (await par.write(data.identity, {
      fetch: trackingFetch(name, post),
      buffer: 0,
    })) as BucketWriter;
  }
  let pending: ProgressMessage | undefined;
  let sent = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending === undefined) return;
    post({ type: 'progress', progress: pending });
    pending = undefined;
    sent = Date.now();
  };
  const context: CalculationContext = Object.freeze({
    jobId: data.jobId,
    inputs: Object.freeze(inputs),
    outputs: Object.freeze(outputs),
    signal,
    progress(report: ProgressReport) {
      pending = checkedProgress(report);
      const wait = sent + PROGRESS_INTERVAL_MS - Date.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    log(message: string) {
      post({ type: 'log', text: String(message).slice(0, MAX_LOG_LINE) });
    },
  });
  return { context, flush };
}
