/**
 * A {@link SubmissionRecorder} that records straight into a server's records, without HTTP or
 * the admin key: for work that runs inside the server (flow runs, compute jobs). Every input is
 * checked exactly as the HTTP API checks it; refusals become parkit errors (`FormatError`,
 * `NotFoundError`, `ConflictError`) with the API's code in `context.serviceCode`.
 *
 * @module
 */
import { COMPLETED_STATUS, type SubmissionRef } from '../../observe/model.js';
import {
  checkAction,
  metricList,
  resultsText,
  type SubmissionHandle,
  type SubmissionRecorder,
  type SubmissionStart,
} from '../../observe/recorder.js';
import { ConflictError, FormatError, NotFoundError } from '../../par/errors.js';
import { ApiError } from '../http/api-error.js';
import type { RecordStore } from '../storage/records.js';
import { addMetrics, addQuality, addStatus } from './changes.js';
import { checkEnvironment, checkMetrics, checkQuality, checkStatus } from './entry-bodies.js';
import { optionalLine, sequenceName, slotTag } from './fields.js';
import { observatory } from './observatory.js';

function asParkitError(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const options = { context: { serviceCode: error.code, status: error.status } };
  if (error.status === 404) return new NotFoundError(error.message, options);
  if (error.status === 409) return new ConflictError(error.message, options);
  return new FormatError(error.message, options);
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asParkitError(error);
  }
}

/**
 * A recorder over a server's records.
 *
 * @param records - the server's records (`App.context.records`)
 * @param now - the server's clock, epoch ms
 * @returns a recorder whose submissions are the server's own
 * @example
 * ```ts
 * const recorder = localRecorder(app.context.records, app.context.now);
 * const handle = await recorder.start({ sequence: 'nightly-flow', stage: 'Run' });
 * ```
 */
export function localRecorder(records: RecordStore, now: () => number = Date.now): SubmissionRecorder {
  const { sequences, slots, submissions } = observatory(records);
  return {
    start: (start: SubmissionStart) =>
      translated(async () => {
        const sequence = await sequences.get(sequenceName(start.sequence, 'sequence'));
        const stage = optionalLine(start.stage, 'stage', 64, 'INVALID_SUBMISSION');
        const environments =
          start.runEnvironment === undefined
            ? []
            : [checkEnvironment(start.runEnvironment, 'runEnvironment')];
        const time = now();
        const { slot } = await slots.findOrCreate(
          sequence,
          start.tag === undefined ? {} : { tag: slotTag(start.tag) },
          time,
        );
        const created = await submissions.create(
          slot,
          { ...(stage === undefined ? {} : { stage }), runEnvironments: environments },
          time,
        );
        const ref: SubmissionRef = { sequence: created.sequence, tag: created.tag, id: created.id };
        const update = (change: Parameters<typeof submissions.update>[3]) =>
          translated(async () => {
            await submissions.update(ref.sequence, ref.tag, ref.id, change);
          });
        const handle: SubmissionHandle = {
          ref,
          submitMetrics: (metricStage, metrics) =>
            update(addMetrics(checkMetrics({ stage: metricStage, metrics: metricList(metrics) }), now())),
          submitQuality: (result) =>
            update(
              addQuality(
                checkQuality({
                  stage: result.stage,
                  tool: result.tool,
                  results: resultsText(result.results),
                  ...(result.dataset === undefined ? {} : { dataset: result.dataset }),
                  action: checkAction(result.action),
                }),
                now(),
              ),
            ),
          submitStatus: (status) => update(addStatus(checkStatus({ ...status }), now())),
          submitCompletedStatus: () => update(addStatus(checkStatus({ ...COMPLETED_STATUS }), now())),
        };
        return handle;
      }),
  };
}
