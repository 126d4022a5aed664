/**
 * The Luco side of flows: each flow has a slot sequence `flow-<name>` (made with the flow), and
 * each run a submission in it, through the server's own {@link localRecorder}: the run's
 * metrics (stage `run`: bytes and objects of the data versions read and written, duration), a quality result for the
 * checksum verification of its inputs, and `Completed` when it succeeded (`Failed` otherwise).
 *
 * @internal
 * @module
 */
import { ApiError } from '../http/api-error.js';
import { localRecorder } from '../observe/local-recorder.js';
import { observatory } from '../observe/observatory.js';
import type { RecordStore } from '../storage/records.js';
import type { DataTracker } from './data.js';
import type { RunRecord } from './model.js';

/** The sequence of a flow's runs. */
export const sequenceOf = (flowName: string) => `flow-${flowName}`;

/**
 * Make a flow's sequence (an existing one is kept as it is).
 *
 * @param records - the server's records
 * @param flowName - the flow
 * @param now - epoch ms
 */
export async function ensureSequence(records: RecordStore, flowName: string, now: number): Promise<void> {
  const definition = {
    name: sequenceOf(flowName),
    description: `runs of the flow ${flowName}`,
    parameters: [],
  };
  try {
    await observatory(records).sequences.put(definition, now, false);
  } catch (error) {
    // A sequence of that name made by someone else is used as it is.
    if (!(error instanceof ApiError && error.code === 'SEQUENCE_EXISTS')) throw error;
  }
}

/**
 * Record a finished run as a submission.
 *
 * @param records - the server's records
 * @param data - tracked data (sizes of the versions read and written)
 * @param now - the server clock
 * @param run - the finished run
 * @param verified - whether every input's content matched its version's checksum when read
 * @returns where the submission is
 */
export async function submitRun(
  records: RecordStore,
  data: DataTracker,
  now: () => number,
  run: RunRecord,
  verified: boolean,
): Promise<NonNullable<RunRecord['submission']>> {
  const measure = async (list: RunRecord['inputs']) => {
    let bytes = 0;
    let objects = 0;
    for (const item of list) {
      const version = await data.version(item.data, item.version);
      bytes += version?.size ?? 0;
      objects += version?.objects.length ?? 0;
    }
    return { bytes, objects };
  };
  const read = await measure(run.inputs);
  const wrote = await measure(run.outputs);
  const handle = await localRecorder(records, now).start({
    sequence: sequenceOf(run.flowName),
    stage: 'run',
  });
  const duration = run.ended === undefined ? 0 : Date.parse(run.ended) - Date.parse(run.started);
  await handle.submitMetrics('run', [
    { metric: 'bytesRead', value: read.bytes },
    { metric: 'bytesWritten', value: wrote.bytes },
    { metric: 'objectsRead', value: read.objects },
    { metric: 'objectsWritten', value: wrote.objects },
    { metric: 'durationMs', value: Math.max(0, duration) },
  ]);
  await handle.submitQuality({
    stage: 'run',
    tool: 'parkit-flows',
    results: {
      check: 'input checksums',
      passed: verified,
      inputs: run.inputs.map((input) => ({
        data: input.data,
        version: input.version,
        sha256: input.checksum,
      })),
    },
    action: verified ? 'continued' : 'cancelled',
  });
  if (run.state === 'succeeded') await handle.submitCompletedStatus();
  else await handle.submitStatus({ status: 'Failed', stage: 'run', message: run.error ?? run.state });
  return { sequence: handle.ref.sequence, tag: handle.ref.tag, id: handle.ref.id };
}
