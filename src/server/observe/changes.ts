/**
 * The changes posted to a submission, as pure functions from the current record to the next:
 * metrics (a later value of the same stage and metric replaces the earlier one), quality
 * results, statuses (the completion mark sets `completed` once) and run environments. Limits
 * are checked here, against the current record.
 *
 * @internal
 * @module
 */
import { COMPLETED_STATUS, type Metric, OBSERVE_LIMITS, type Submission } from '../../observe/model.js';
import { ApiError } from '../http/api-error.js';
import type { MetricsBody, QualityBody, RunEnvironmentBody, StatusBody } from './entry-bodies.js';
import { iso } from './fields.js';

function full(what: string, limit: number): ApiError {
  return new ApiError(409, 'SUBMISSION_FULL', `a submission holds at most ${limit} ${what}`);
}

/**
 * Add or replace metrics.
 *
 * @param body - the checked metrics
 * @param now - epoch ms
 */
export function addMetrics(body: MetricsBody, now: number): (current: Submission) => Submission {
  return (current) => {
    const time = iso(now);
    const metrics: Metric[] = [...current.metrics];
    for (const { metric, value } of body.metrics) {
      const entry: Metric = { stage: body.stage, metric, value, recorded: time };
      const at = metrics.findIndex((m) => m.stage === body.stage && m.metric === metric);
      if (at >= 0) metrics[at] = entry;
      else metrics.push(entry);
    }
    if (metrics.length > OBSERVE_LIMITS.metrics) throw full('metrics', OBSERVE_LIMITS.metrics);
    return { ...current, metrics, modified: time };
  };
}

/**
 * Add a quality result.
 *
 * @param body - the checked result
 * @param now - epoch ms
 */
export function addQuality(body: QualityBody, now: number): (current: Submission) => Submission {
  return (current) => {
    if (current.quality.length >= OBSERVE_LIMITS.quality)
      throw full('quality results', OBSERVE_LIMITS.quality);
    const time = iso(now);
    return { ...current, quality: [...current.quality, { ...body, recorded: time }], modified: time };
  };
}

/**
 * Add a status; the completion mark (`Completed` at stage `Submission`) sets `completed` the
 * first time.
 *
 * @param body - the checked status
 * @param now - epoch ms
 */
export function addStatus(body: StatusBody, now: number): (current: Submission) => Submission {
  return (current) => {
    if (current.statuses.length >= OBSERVE_LIMITS.statuses) throw full('statuses', OBSERVE_LIMITS.statuses);
    const time = iso(now);
    const completes = body.status === COMPLETED_STATUS.status && body.stage === COMPLETED_STATUS.stage;
    return {
      ...current,
      statuses: [...current.statuses, { ...body, time }],
      status: body.status,
      ...(completes && current.completed === undefined ? { completed: time } : {}),
      modified: time,
    };
  };
}

/**
 * Add run environments.
 *
 * @param body - the checked run environments
 * @param now - epoch ms
 */
export function addRunEnvironments(
  body: RunEnvironmentBody,
  now: number,
): (current: Submission) => Submission {
  return (current) => {
    const time = iso(now);
    const added = body.runEnvironments.map((data) => ({
      ...(body.stage === undefined ? {} : { stage: body.stage }),
      data,
      recorded: time,
    }));
    const runEnvironments = [...current.runEnvironments, ...added];
    if (runEnvironments.length > OBSERVE_LIMITS.runEnvironments) {
      throw full('run environments', OBSERVE_LIMITS.runEnvironments);
    }
    return { ...current, runEnvironments, modified: time };
  };
}
