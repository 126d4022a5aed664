/**
 * Worker entry of one job: import the calculation's module, build its context, run it, and
 * report the result or the failure. The service ends the worker once it has reported (and kills
 * it if it will not end when asked).
 *
 * @internal
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createJobContext } from './job-context.js';
import {
  type HostMessage,
  type JobWorkerData,
  MAX_RESULT_BYTES,
  type WorkerMessage,
} from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('job-worker runs only as a worker thread');
const post = (message: WorkerMessage) => port.postMessage(message);
const controller = new AbortController();
let received: (data: JobWorkerData) => void = () => {};
// Started ahead of need (a spare), the worker waits here for its one job.
const job = new Promise<JobWorkerData>((resolve) => {
  received = resolve;
});

port.on('message', (message: HostMessage) => {
  if (message?.type === 'job') {
    received(message.data);
    return;
  }
  if (message?.type !== 'abort' || controller.signal.aborted) return;
  const text = message.reason === 'timed-out' ? 'the job ran out of time' : 'the job was stopped';
  controller.abort(new DOMException(text, message.reason === 'timed-out' ? 'TimeoutError' : 'AbortError'));
});
const data = (workerData as JobWorkerData | null) ?? (await job);

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name === 'Error' || error.name === '' ? '' : `${error.name}: `;
    return `${name}${error.message}`;
  }
  return `the calculation threw ${typeof error === 'string' ? error : 'a non-error value'}`;
}

let flush = () => {};
try {
  const module = (await import(data.moduleUrl)) as Record<string, unknown>;
  const calculation = module[data.exportName];
  if (typeof calculation !== 'function') throw new Error(`the module no longer exports ${data.exportName}`);
  const handle = await createJobContext(data, controller.signal, post);
  flush = handle.flush;
  const result = await calculation(data.arguments, handle.context);
  flush();
  const text = JSON.stringify(result ?? null);
  if (text === undefined) throw new TypeError('the calculation returned something that is not JSON');
  if (text.length > MAX_RESULT_BYTES)
    throw new RangeError(`the result is larger than ${MAX_RESULT_BYTES} bytes of JSON`);
  post({ type: 'done', result: text });
} catch (error) {
  flush();
  post({ type: 'failed', message: describeFailure(error).slice(0, 4000) });
}
